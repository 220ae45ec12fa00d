/**
 * The worker-side runtime shared by every driver: hook the module loader and load the bootstrap once,
 * warm task modules, resolve a module or inline task, run it inside its task context, and encode the
 * value or the failure as plain data. The `fork`, `thread` and `pool` entries and the in-process
 * `cooperative` driver all run tasks through this.
 */

import { unmarkBufferArgs, wrapBufferResult } from '../buffer-codec.js';
import { monotonicMs } from '../clock.js';
import { neverSignal, singleTaskStorage, taskStorage } from '../context.js';
import { makeFailure, type TaskFailure, toFailure } from '../failure.js';
import { findUnportable, type PortableFindings } from '../portable.js';
import type { Result } from '../result.js';
import type { TaskSpec } from '../task.js';

/** Options of {@link createRuntime}. */
export interface RuntimeOptions {
  /** Module URL loaded once, before the first task. A default-exported function is awaited. */
  readonly bootstrap?: string | undefined;
  /**
   * Module URL whose `register()` hooks this thread's module loader before anything loads (tsx's ESM
   * API on Node versions where the parent's loader hooks do not reach worker threads).
   */
  readonly loaderHook?: string | undefined;
  /**
   * This thread runs one task in its whole life (thread and fork workers): the task's context is held
   * in a plain variable instead of AsyncLocalStorage, which saves every cold worker the cost of async
   * hooks. Leave it off wherever tasks overlap (pool workers, in-process drivers).
   */
  readonly oneTask?: boolean | undefined;
}

/** Per-run options. */
export interface RunOptions {
  /** Identifies the job in the task's context, so late errors can be attributed to it. */
  readonly id?: number | undefined;
  /** Fires when the job is aborted or timed out; visible to the task through `taskContext()`. */
  readonly signal?: AbortSignal | undefined;
  /** Check the value for portability and report `'unserializable'` (default true). */
  readonly checkResult?: boolean | undefined;
}

/** Runs tasks in the current thread. */
export interface Runtime {
  /** Hooks the loader and loads the bootstrap (once); resolves with its failure, or undefined. */
  ready(): Promise<TaskFailure | undefined>;
  /** Runs one task. Never rejects: every failure is encoded in the result. */
  run(task: TaskSpec, args: readonly unknown[], options?: RunOptions): Promise<Result<unknown>>;
  /**
   * Like `run`, but returns the result synchronously when it can: the runtime is ready, the task's
   * module is loaded (by an earlier task, `load` or `warm`), and the task returned a value that is
   * not a promise. Saves a warm worker the microtask hops of `run` on its hot path.
   */
  runNow(
    task: TaskSpec,
    args: readonly unknown[],
    options?: RunOptions,
  ): Result<unknown> | Promise<Result<unknown>>;
  /**
   * Starts importing a task module into the cache `run` uses, as early as it may: at once when nothing
   * has to load first, else once the loader hook (and the bootstrap, which precedes every task module)
   * has loaded. Resolves once the module has loaded or failed (never rejects: a module that fails to
   * load fails the task that uses it).
   */
  load(moduleUrl: string): Promise<void>;
  /**
   * Gets this worker ready for its tasks while it has nothing else to do: the loader hook, the
   * bootstrap, then each module in turn, so a task of any of them takes `runNow`'s synchronous path;
   * last, the run path itself is compiled (see `primeRunPath`). Stops once a task has started (it
   * loads its own module first). Never rejects.
   */
  warm(moduleUrls: readonly string[]): Promise<void>;
}

type Namespace = Record<string, unknown>;

/**
 * Creates the runtime a worker uses to run tasks.
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ bootstrap: 'file:///app/boot.js' });
 * await runtime.warm(['file:///app/tasks.js']);
 * const result = await runtime.run({ kind: 'inline', source: '(a, b) => a + b' }, [1, 2]);
 * // { ok: true, value: 3, ms: 0.01 }
 * ```
 */
export function createRuntime(options: RuntimeOptions = {}): Runtime {
  const storage = options.oneTask ? singleTaskStorage() : taskStorage();
  let hooked: Promise<TaskFailure | undefined> | undefined;
  let bootstrapped: Promise<TaskFailure | undefined> | undefined;
  /** The bootstrap loaded without a failure: the synchronous path may run tasks. */
  let isReady = false;
  /** A task has started: warming stops loading modules. */
  let begun = false;
  const modules = new Map<string, Promise<Namespace>>();
  /** Loaded module namespaces, for the synchronous path. */
  const loaded = new Map<string, Namespace>();

  function hook(): Promise<TaskFailure | undefined> {
    hooked ??= hookLoader(options.loaderHook);
    return hooked;
  }

  function ready(): Promise<TaskFailure | undefined> {
    bootstrapped ??= hook().then(async (failure) => {
      const result = failure ?? (await loadBootstrap(options.bootstrap));
      if (result === undefined) isReady = true;
      return result;
    });
    return bootstrapped;
  }

  /** Imports a module once; what may precede it has already loaded. */
  function importOnce(url: string): Promise<Namespace> {
    let loading = modules.get(url);
    if (!loading) {
      loading = import(url) as Promise<Namespace>;
      loading.then(
        (mod) => loaded.set(url, mod),
        () => {}, // reported by the task that awaits it
      );
      modules.set(url, loading);
    }
    return loading;
  }

  function load(url: string): Promise<void> {
    const before = options.bootstrap ? ready() : options.loaderHook ? hook() : undefined;
    const loading = before ? before.then(() => importOnce(url)) : importOnce(url);
    return loading.then(noop, noop);
  }

  async function warm(urls: readonly string[]): Promise<void> {
    if ((await ready()) !== undefined) return;
    for (const url of urls) {
      if (begun) return;
      await importOnce(url).then(noop, noop);
    }
    if (!begun) await primeRunPath(options.oneTask);
  }

  async function run(
    task: TaskSpec,
    args: readonly unknown[],
    opts: RunOptions = {},
  ): Promise<Result<unknown>> {
    begun = true;
    const bootFailure = await ready();
    if (bootFailure) return { ok: false, error: bootFailure, ms: 0 };
    if (task.kind === 'module' && !loaded.has(task.module)) {
      try {
        await importOnce(task.module);
      } catch (err) {
        return { ok: false, error: toFailure(err, 'threw'), ms: 0 };
      }
    }
    return runNow(task, args, opts); // ready, and the module loaded: the synchronous path
  }

  function runNow(
    task: TaskSpec,
    args: readonly unknown[],
    opts: RunOptions = {},
  ): Result<unknown> | Promise<Result<unknown>> {
    if (!isReady) return run(task, args, opts);
    begun = true;
    let fn: Function;
    try {
      if (task.kind === 'inline') fn = compileInline(task.source);
      else {
        const mod = loaded.get(task.module);
        if (!mod) return run(task, args, opts);
        fn = exported(task, mod);
      }
    } catch (err) {
      return { ok: false, error: toFailure(err, 'threw'), ms: 0 };
    }
    return invoke(fn, args, opts);
  }

  /** Calls the task in its context: the result at once when it returned a value, else a promise of it. */
  function invoke(
    fn: Function,
    args: readonly unknown[],
    opts: RunOptions,
  ): Result<unknown> | Promise<Result<unknown>> {
    const store = { id: opts.id ?? 0, signal: opts.signal ?? neverSignal() };
    const started = monotonicMs();
    let value: unknown;
    try {
      const callArgs = unmarkBufferArgs(args);
      value = storage.run(store, () => fn(...callArgs));
    } catch (err) {
      return { ok: false, error: toFailure(err, 'threw'), ms: monotonicMs() - started };
    }
    if (typeof (value as PromiseLike<unknown> | null)?.then !== 'function') {
      return settled(value, monotonicMs() - started, opts);
    }
    return Promise.resolve(value).then(
      (v) => settled(v, monotonicMs() - started, opts),
      (err: unknown) => ({ ok: false, error: toFailure(err, 'threw'), ms: monotonicMs() - started }),
    );
  }

  return { ready, run, runNow, load, warm };
}

function noop(): void {}

/**
 * Compiles the run path (V8 compiles a function on its first call: on a fresh worker's first task that
 * is most of a millisecond) by one inline no-op on a private runtime: the function literals are shared,
 * so the worker's first task runs compiled code. Nothing of it reaches the worker's own runtime (its
 * module map, its ready state) or its channel; it settles within the current turn (nothing it awaits
 * does I/O), before any job message can be handled.
 */
function primeRunPath(oneTask: boolean | undefined): Promise<unknown> {
  return createRuntime({ oneTask }).run({ kind: 'inline', source: '() => 0' }, []);
}

function exported(task: Extract<TaskSpec, { kind: 'module' }>, mod: Namespace): Function {
  const fn = mod[task.name];
  if (typeof fn !== 'function') {
    const err = new Error(
      fn === undefined
        ? `module ${task.module} has no export named "${task.name}"`
        : `export "${task.name}" of ${task.module} is not a function (${typeof fn})`,
    );
    err.name = 'SpawnError';
    throw err;
  }
  return fn;
}

/**
 * A value the task produced, checked for portability unless the caller opted out; a value holding Node
 * Buffers is wrapped with their places, so the WaitGroup rebuilds them (buffer-codec).
 */
function settled(value: unknown, ms: number, opts: RunOptions): Result<unknown> {
  if (opts.checkResult !== false) {
    const found: PortableFindings = { buffers: false };
    const problems = findUnportable(value, 'result', found);
    if (problems.length > 0) {
      const first = problems[0]!;
      return {
        ok: false,
        error: makeFailure('unserializable', `${first.what} cannot be sent back: ${first.hint}`),
        ms,
      };
    }
    if (found.buffers) return { ok: true, value: wrapBufferResult(value), ms };
  }
  return { ok: true, value, ms };
}

async function hookLoader(url: string | undefined): Promise<TaskFailure | undefined> {
  if (!url) return undefined;
  try {
    const mod = (await import(url)) as { register?: unknown };
    if (typeof mod.register === 'function') (mod.register as () => unknown)();
    return undefined;
  } catch (err) {
    const cause = toFailure(err, 'bootstrap');
    return makeFailure('bootstrap', `the loader hook ${url} failed: ${cause.message}`, {
      cause,
      name: 'BootstrapError',
    });
  }
}

async function loadBootstrap(url: string | undefined): Promise<TaskFailure | undefined> {
  if (!url) return undefined;
  try {
    const mod = (await import(url)) as { default?: unknown };
    if (typeof mod.default === 'function') await (mod.default as () => unknown)();
    return undefined;
  } catch (err) {
    const cause = toFailure(err, 'bootstrap');
    return makeFailure('bootstrap', `bootstrap ${url} failed: ${cause.message}`, {
      cause,
      name: 'BootstrapError',
    });
  }
}

const compiled = new Map<string, Function>();

/**
 * Rebuilds an inline task from its source, in the worker's global scope (cached by source).
 *
 * @example
 * ```ts
 * compileInline('(a, b) => a + b')(1, 2); // 3
 * ```
 */
export function compileInline(source: string): Function {
  let fn = compiled.get(source);
  if (!fn) {
    fn = new Function(`return (${source});`)() as Function;
    if (typeof fn !== 'function') throw new TypeError('inline task source did not evaluate to a function');
    compiled.set(source, fn);
  }
  return fn;
}
