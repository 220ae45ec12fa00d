/**
 * The fork driver's options and their eager validation: a wrong value is a TypeError/RangeError naming
 * the option at construction time, never a surprise in the middle of a run.
 */
import { availableParallelism } from 'node:os';
import {
  checkBootstrapTimeout,
  checkConcurrency,
  checkMaxResultMb,
  checkMemoryLimit,
  checkMemoryMb,
  checkModuleHref,
  checkPrespawn,
  checkTimerMs,
  checkWorkerEnv,
  DEFAULT_BOOTSTRAP_TIMEOUT_MS,
  type WorkerEnv,
} from '@isolane/core/driver-kit';
import { checkPermissions, type ForkPermissions, type ResolvedForkPermissions } from './permissions.js';

/** Where the children's stdout/stderr go. */
export type ForkStdio = 'inherit' | 'capture' | 'ignore';

/** A chunk of output a child wrote, as given to `onOutput` when `stdio` is `'capture'`. */
export interface ForkOutput {
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
  /** The job the child was running (see `ForkJobHandle.id`); undefined while a prespawned child is idle. */
  readonly jobId: number | undefined;
  /** The child's process id. */
  readonly pid: number | undefined;
}

/** Fork-specific options (also accepted from `settings.options`, e.g. a config file's `drivers.fork`). */
export interface ForkOptions {
  /** Children kept started, bootstrap loaded, waiting for a task (each still runs exactly one). Default 0. */
  readonly prespawn?: number | undefined;
  /** How long a child that sent its result may live on to finish what its task left behind. Default 1000. */
  readonly lingerMs?: number | undefined;
  /** Between SIGTERM and SIGKILL when a child is stopped (timeout, abort, close). Default 2000. */
  readonly killGraceMs?: number | undefined;
  /**
   * The largest resident set (RSS, MiB) a child may reach: the parent samples it every 100 ms (Linux,
   * from /proc) and past it kills the child and fails the task with `oom` — memory `memoryLimitMb` does
   * not see (ArrayBuffers, Buffers, native allocations) included. Default: none.
   */
  readonly maxRssMb?: number | undefined;
  /**
   * `'inherit'` (default): children write to this process's stdout/stderr. `'capture'`: their output goes
   * to `onOutput` only. `'ignore'`: it is dropped. Results never travel on these streams.
   */
  readonly stdio?: ForkStdio | undefined;
  /** Receives captured output; setting it alone implies `stdio: 'capture'`. */
  readonly onOutput?: ((output: ForkOutput) => void) | undefined;
  /**
   * Let a prespawned child import, while idle, the task modules recent tasks used, so its task does not
   * load them on the clock. The modules' top-level code then runs in a child that may end up running
   * another task. Default true.
   */
  readonly warmModules?: boolean | undefined;
  /**
   * Make each child die with its parent even while its task is stuck in synchronous code (the IPC
   * channel alone only notices when the child's event loop turns): on Linux through the kernel's
   * parent-death signal (`setpriv --pdeathsig`, util-linux), elsewhere through a small watchdog thread
   * in the child (a few milliseconds of its start). Default true.
   */
  readonly watchdog?: boolean | undefined;
  /**
   * The children's environment: `'inherit'` (default, the parent's whole environment, secrets
   * included), an allow-list of variable names (read from the parent when each child starts), or an
   * object that is the whole environment.
   */
  readonly env?: WorkerEnv | undefined;
  /**
   * Run each child under Node's permission model: `true` lets it read only what its task needs (the
   * child entry, core, `node_modules`, the bootstrap, the task module) and nothing else; an object
   * grants more (`fsRead`, `fsWrite`, `childProcess`, `worker`, `addons`). A denied access fails the
   * slot with `code: 'ERR_ACCESS_DENIED'`. Defence in depth, not a sandbox (see docs/security.md).
   * Default false.
   */
  readonly permissions?: boolean | ForkPermissions | undefined;
}

/** Options of `new ForkDriver()`. */
export interface ForkDriverOptions extends ForkOptions {
  /** Max tasks running at once; more are queued. Default: available parallelism. */
  readonly concurrency?: number | undefined;
  /** Module (URL or absolute path) loaded in each child before its task. */
  readonly bootstrap?: string | URL | undefined;
  /**
   * How long (ms) a child's bootstrap may take once it has its job; past it the child is killed and
   * its task fails with kind `bootstrap`. `Infinity`: no deadline. Default 30000.
   */
  readonly bootstrapTimeout?: number | undefined;
  /** Old-space limit of each child (`--max-old-space-size`); exceeding it fails the slot with `'oom'`. */
  readonly memoryLimitMb?: number | undefined;
  /**
   * The largest result (MiB, as `v8.serialize` measures it in the child) a task may send back; a larger
   * one fails as `unserializable` (`ResultTooLargeError`) without reaching the parent. Default: none.
   */
  readonly maxResultMb?: number | undefined;
}

/** Options after validation and defaults. */
export interface ResolvedForkOptions {
  readonly concurrency: number;
  readonly bootstrap: string | undefined;
  /** Milliseconds (Infinity: none). */
  readonly bootstrapTimeout: number;
  readonly memoryLimitMb: number | undefined;
  readonly maxResultMb: number | undefined;
  readonly prespawn: number;
  readonly lingerMs: number;
  readonly killGraceMs: number;
  readonly maxRssMb: number | undefined;
  readonly stdio: ForkStdio;
  readonly onOutput: ((output: ForkOutput) => void) | undefined;
  readonly warmModules: boolean;
  readonly watchdog: boolean;
  readonly env: WorkerEnv;
  readonly permissions: ResolvedForkPermissions | undefined;
}

const FORK_KEYS = [
  'prespawn',
  'lingerMs',
  'killGraceMs',
  'maxRssMb',
  'stdio',
  'onOutput',
  'warmModules',
  'watchdog',
  'env',
  'permissions',
] as const;
const DRIVER_KEYS = [
  'concurrency',
  'bootstrap',
  'bootstrapTimeout',
  'memoryLimitMb',
  'maxResultMb',
  ...FORK_KEYS,
] as const;

/**
 * Validates the options of a fork driver and fills in defaults.
 *
 * @example
 * ```ts
 * resolveForkOptions({ prespawn: 2 }).lingerMs; // 1000
 * resolveForkOptions({ stdio: 'loud' });         // TypeError: options.stdio must be 'inherit', 'capture' or 'ignore'
 * ```
 */
export function resolveForkOptions(input: ForkDriverOptions = {}, label = 'options'): ResolvedForkOptions {
  if (typeof input !== 'object' || input === null) {
    throw new TypeError(`${label} must be an object, got ${input === null ? 'null' : typeof input}`);
  }
  for (const key of Object.keys(input)) {
    if (!(DRIVER_KEYS as readonly string[]).includes(key)) {
      throw new TypeError(`unknown fork driver option ${label}.${key} (known: ${DRIVER_KEYS.join(', ')})`);
    }
  }
  const onOutput = input.onOutput;
  if (onOutput !== undefined && typeof onOutput !== 'function') {
    throw new TypeError(`${label}.onOutput must be a function`);
  }
  const stdio = input.stdio ?? (onOutput ? 'capture' : 'inherit');
  if (stdio !== 'inherit' && stdio !== 'capture' && stdio !== 'ignore') {
    throw new TypeError(`${label}.stdio must be 'inherit', 'capture' or 'ignore', got ${String(stdio)}`);
  }
  if (stdio === 'capture' && !onOutput)
    throw new TypeError(`${label}.stdio 'capture' needs ${label}.onOutput`);
  if (stdio !== 'capture' && onOutput) {
    throw new TypeError(
      `${label}.onOutput only receives output with ${label}.stdio 'capture', not '${stdio}'`,
    );
  }
  for (const key of ['warmModules', 'watchdog'] as const) {
    if (input[key] !== undefined && typeof input[key] !== 'boolean') {
      throw new TypeError(`${label}.${key} must be a boolean`);
    }
  }
  // The checkers are driver-kit's, the ones WaitGroup and every driver use: a value is accepted or
  // rejected the same way wherever it is given. Timers below 2^31 ms (Node turns longer ones into 1 ms),
  // a whole `--max-old-space-size` from 8 MiB to 1 TiB (a child refuses to start with a value it cannot
  // parse), a bounded prespawn.
  const opt = <T>(value: unknown, check: (v: unknown) => T): T | undefined =>
    value === undefined ? undefined : check(value);
  return {
    concurrency:
      opt(input.concurrency, (v) => checkConcurrency(v, `${label}.concurrency`)) ?? availableParallelism(),
    bootstrap: opt(input.bootstrap, (v) => checkModuleHref(v, `${label}.bootstrap`)),
    bootstrapTimeout:
      opt(input.bootstrapTimeout, (v) => checkBootstrapTimeout(v, `${label}.bootstrapTimeout`)) ??
      DEFAULT_BOOTSTRAP_TIMEOUT_MS,
    memoryLimitMb: opt(input.memoryLimitMb, (v) => checkMemoryLimit(v, `${label}.memoryLimitMb`)),
    maxResultMb: opt(input.maxResultMb, (v) => checkMaxResultMb(v, `${label}.maxResultMb`)),
    prespawn: opt(input.prespawn, (v) => checkPrespawn(v, `${label}.prespawn`)) ?? 0,
    lingerMs: opt(input.lingerMs, (v) => checkTimerMs(v, `${label}.lingerMs`, { integer: true })) ?? 1000,
    killGraceMs:
      opt(input.killGraceMs, (v) => checkTimerMs(v, `${label}.killGraceMs`, { integer: true })) ?? 2000,
    maxRssMb: opt(input.maxRssMb, (v) => checkMemoryMb(v, `${label}.maxRssMb`)),
    stdio,
    onOutput,
    warmModules: input.warmModules ?? true,
    watchdog: input.watchdog ?? true,
    env: input.env === undefined ? 'inherit' : checkWorkerEnv(input.env, `${label}.env`),
    permissions: checkPermissions(input.permissions, `${label}.permissions`),
  };
}
