/**
 * Keeps the processes a task starts marked as its worker's (see driver-kit's process-tree.ts). A worker
 * is started with `ISOLANE_TREE` in its environment, and a process started without an `env` option
 * inherits it; this wraps the `node:child_process` functions (spawn, exec, execFile, fork and the sync
 * ones) so that one started *with* an `env` option — or after the task deleted the variable — carries
 * it too. The marker is read once, when the runtime loads, before any bootstrap or task code runs.
 * ES modules' named imports (`import { spawn } from 'node:child_process'`) see the wrappers as well as
 * `require`: made after the wrapping, or brought up to date by `module.syncBuiltinESMExports()`.
 *
 * Under `cooperative` tasks run in the host: there the marker is per task, carried by
 * AsyncLocalStorage ({@link runInProcessTree}), and the wrappers change nothing outside a task's async
 * context (the host's own processes are left alone).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { promisify } from 'node:util';
import { TREE_VAR, withTreeMarker } from '../driver-kit/tree-marker.js';

type AnyFn = (...args: unknown[]) => unknown;

interface TrackingState {
  /** The marker(s) this thread or process was started with. */
  readonly own: string | undefined;
  /** Per task, under cooperative. */
  storage: AsyncLocalStorage<string> | undefined;
}

/** The functions whose options are rewritten, and whether they take an argument array first. */
const WRAPPED: Readonly<Record<string, boolean>> = {
  spawn: true,
  execFile: true,
  fork: true,
  spawnSync: true,
  execFileSync: true,
  exec: false,
  execSync: false,
};

const STATE = Symbol.for('isolane.childTracking');

type ChildProcessModule = Record<string | symbol, unknown>;

/**
 * Whether `node:child_process` was loaded before this call: only then can an ES module already hold
 * its named exports (a builtin's ESM view is made, from the exports of that moment, at its first
 * `import`). When it was not, the wrappers installed now are what every later `import` sees, and the
 * ~2 ms of `syncBuiltinESMExports()` (it walks every builtin) can be skipped — it was a tenth of a
 * cold worker thread's start.
 */
function loadedBefore(): boolean {
  const list = (process as unknown as { moduleLoadList?: unknown }).moduleLoadList;
  return !Array.isArray(list) || list.includes('NativeModule child_process');
}

function childProcessModule(): ChildProcessModule {
  return createRequire(import.meta.url)('node:child_process') as ChildProcessModule;
}

/** The marker(s) in effect now: this worker's, plus the running cooperative task's. */
function currentMarker(state: TrackingState): string | undefined {
  const task = state.storage?.getStore();
  if (task === undefined) return state.own;
  return state.own === undefined ? task : withTreeMarker(state.own, task);
}

function markedEnvOption(env: unknown, marker: string): Record<string, unknown> {
  const base = (typeof env === 'object' && env !== null ? env : process.env) as Record<string, unknown>;
  const out: Record<string, unknown> = { ...base };
  const have = out[TREE_VAR];
  out[TREE_VAR] = withTreeMarker(typeof have === 'string' ? have : undefined, marker);
  return out;
}

/**
 * `args` of a child_process call with its options' `env` carrying `marker` (an options object added
 * where the call had none).
 */
function markArgs(args: readonly unknown[], takesArgs: boolean, marker: string): unknown[] {
  const out = [...args];
  let i = 1;
  if (takesArgs && (Array.isArray(out[1]) || (out[1] == null && out.length > 2))) i = 2;
  const given = out[i];
  if (typeof given === 'object' && given !== null && !Array.isArray(given)) {
    const copy = Object.assign(Object.create(Object.getPrototypeOf(given) as object | null), given) as {
      env?: unknown;
    };
    copy.env = markedEnvOption(copy.env, marker);
    out[i] = copy;
  } else if (given == null && i < out.length) {
    out[i] = { env: markedEnvOption(undefined, marker) };
  } else {
    out.splice(i, 0, { env: markedEnvOption(undefined, marker) });
  }
  return out;
}

function wrap(original: AnyFn, takesArgs: boolean, state: TrackingState): AnyFn {
  const through = (fn: AnyFn) =>
    function (this: unknown, ...args: unknown[]): unknown {
      const marker = currentMarker(state);
      return fn.apply(this, marker === undefined ? args : markArgs(args, takesArgs, marker));
    };
  const wrapped = through(original);
  Object.defineProperty(wrapped, 'name', { value: original.name });
  // exec and execFile have a promisified form of their own ({ stdout, stderr }) that calls the originals.
  const custom = (original as unknown as Record<symbol, unknown>)[promisify.custom];
  if (typeof custom === 'function') {
    Object.defineProperty(wrapped, promisify.custom, {
      value: through(custom as AnyFn),
      enumerable: false,
      writable: false,
      configurable: true,
    });
  }
  return wrapped;
}

/** This copy's state once installed: a cooperative task asks for it per run, and the lookup is not free. */
let installed: TrackingState | undefined;

function install(): TrackingState {
  if (installed !== undefined) return installed;
  installed = installOnce();
  return installed;
}

function installOnce(): TrackingState {
  const viewsMayExist = loadedBefore();
  const cp = childProcessModule();
  const existing = cp[STATE] as TrackingState | undefined;
  if (existing !== undefined) return existing;
  const own = process.env[TREE_VAR];
  const state: TrackingState = { own: own === '' ? undefined : own, storage: undefined };
  Object.defineProperty(cp, STATE, { value: state });
  for (const [name, takesArgs] of Object.entries(WRAPPED)) {
    const original = cp[name];
    if (typeof original === 'function') cp[name] = wrap(original as AnyFn, takesArgs, state);
  }
  if (viewsMayExist) syncBuiltinESMExports();
  return state;
}

/**
 * Wraps `node:child_process` once per thread so every process a task starts carries this worker's
 * `ISOLANE_TREE` marker, explicit `env` option or not. Call it before any bootstrap or task code runs.
 *
 * @example
 * ```ts
 * trackChildProcesses(); // then: load the bootstrap, run tasks
 * ```
 */
export function trackChildProcesses(): void {
  install();
}

/**
 * Runs `fn(...args)` (a cooperative task) so that the processes it starts, directly or from anything it
 * awaits, carry `marker`.
 *
 * @example
 * ```ts
 * const result = await runInProcessTree(newTreeMarker(), () => runtime.run(task, args));
 * ```
 */
export function runInProcessTree<A extends unknown[], T>(
  marker: string,
  fn: (...args: A) => T,
  ...args: A
): T {
  const state = install();
  state.storage ??= new AsyncLocalStorage<string>();
  return state.storage.run(marker, fn, ...args);
}
