/**
 * The pool driver's options and their eager validation: a bad value is a TypeError/RangeError naming the
 * option, at construction, never a surprise in a worker later. The options every driver shares
 * (`concurrency`, `bootstrap`, `bootstrapTimeout`, `memoryLimitMb`) are checked by driver-kit's checkers, the ones
 * `WaitGroup` uses, so a value the group accepts the pool accepts too, and the reverse.
 */
import {
  checkBootstrapTimeout,
  checkConcurrency,
  checkMaxResultMb,
  checkMemoryLimit,
  checkMemoryMb,
  checkModuleHref,
  checkNumberInRange,
  checkTimerMs,
  checkWorkerEnv,
  DEFAULT_BOOTSTRAP_TIMEOUT_MS,
  type DriverSettings,
  type WorkerEnv,
} from '@isolane/core/driver-kit';
import {
  type PoolProcessOptions,
  PROCESS_KEYS,
  type ResolvedProcessOptions,
  resolveProcessOptions,
} from './process-options.js';

/**
 * Per-worker options (runtime, recycling, environment, worker processes), accepted in `PoolDriver`'s
 * options or in `DriverSettings.options`.
 */
export interface PoolRecycleOptions extends PoolProcessOptions {
  /**
   * Replace a worker after it has run this many tasks. `1` gives every task a fresh isolate (no state
   * shared between tasks) while keeping warm cost: the replacement starts while the task runs.
   * Default: no limit.
   */
  readonly maxTasksPerWorker?: number | undefined;
  /** Replace a worker after a task when its V8 heap exceeds this many MiB. Default: never. */
  readonly maxHeapMb?: number | undefined;
  /**
   * Terminate a worker after it has been idle this many ms. Default: `Infinity` (kept warm; an idle
   * worker never keeps the process alive either way).
   */
  readonly idleTimeout?: number | undefined;
  /**
   * How long code a task left behind (a timer that spins, a long synchronous callback) may keep a
   * worker from starting the next job it was sent. Past it the worker is retired (terminated, no task
   * blamed, a process warning says so) and the jobs it had not started run on another worker, once.
   * Like the `lingerMs` of the thread and fork drivers. Default 1000; `Infinity`: never.
   */
  readonly lingerMs?: number | undefined;
  /**
   * Each worker's `process.env`: `'inherit'` (default, a copy of the parent's whole environment,
   * secrets included), an allow-list of variable names (copied from the parent when each worker
   * starts), or an object that is the whole environment. Applied per worker (Worker's `env` option).
   */
  readonly env?: WorkerEnv | undefined;
}

/**
 * Options of a {@link PoolDriver}.
 *
 * @example
 * ```ts
 * const options: PoolDriverOptions = { concurrency: 4, maxTasksPerWorker: 1_000, idleTimeout: 30_000 };
 * ```
 */
export interface PoolDriverOptions extends PoolRecycleOptions {
  /** Workers (threads or processes), and so the max tasks running at once. Default: available parallelism. */
  readonly concurrency?: number | undefined;
  /** Module (URL, `file:` href or absolute path) loaded once per worker before its first task. */
  readonly bootstrap?: string | URL | undefined;
  /**
   * How long (ms) a new worker may take to load its bootstrap (and the task modules it preloads);
   * past it the worker is terminated and, while no other worker is ready, the waiting tasks fail with
   * kind `bootstrap`. `Infinity`: no deadline. Default 30000.
   */
  readonly bootstrapTimeout?: number | undefined;
  /**
   * Per-worker V8 old-generation limit in MiB (a thread's `resourceLimits`, a process's
   * `--max-old-space-size`); exceeding it fails the task as `oom`.
   */
  readonly memoryLimitMb?: number | undefined;
  /**
   * The largest result (MiB, as `v8.serialize` measures it in the worker) a task may send back; a larger
   * one fails as `unserializable` (`ResultTooLargeError`) without reaching the parent. Default: none.
   */
  readonly maxResultMb?: number | undefined;
}

/** Options after validation, with defaults filled in. */
export interface ResolvedPoolOptions extends ResolvedProcessOptions {
  readonly concurrency: number;
  readonly bootstrap: string | undefined;
  /** Milliseconds (Infinity: none). */
  readonly bootstrapTimeout: number;
  readonly memoryLimitMb: number | undefined;
  /** 0: no limit. */
  readonly maxResultMb: number;
  readonly maxTasksPerWorker: number;
  readonly maxHeapMb: number;
  readonly idleTimeout: number;
  /** Milliseconds (Infinity: never). */
  readonly lingerMs: number;
  readonly env: WorkerEnv;
}

/**
 * Default `lingerMs` of a pool worker: as long as a thread or fork worker may linger after its task.
 *
 * @example
 * ```ts
 * new PoolDriver({ lingerMs: DEFAULT_POOL_LINGER_MS * 5 });
 * ```
 */
export const DEFAULT_POOL_LINGER_MS = 1000;

const RECYCLE_KEYS = [
  'maxTasksPerWorker',
  'maxHeapMb',
  'idleTimeout',
  'lingerMs',
  'env',
  ...PROCESS_KEYS,
] as const;
const OPTION_KEYS = new Set<string>([
  'concurrency',
  'bootstrap',
  'bootstrapTimeout',
  'memoryLimitMb',
  'maxResultMb',
  ...RECYCLE_KEYS,
]);

/**
 * Validates the options of a `PoolDriver` and fills in the defaults.
 *
 * @example
 * ```ts
 * resolvePoolOptions({ concurrency: 2 }, 2); // { concurrency: 2, maxTasksPerWorker: Infinity, … }
 * ```
 */
export function resolvePoolOptions(
  options: PoolDriverOptions,
  defaultConcurrency: number,
): ResolvedPoolOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `PoolDriver options must be an object, got ${options === null ? 'null' : typeof options}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) {
      throw new TypeError(`unknown pool driver option "${key}" (known: ${[...OPTION_KEYS].join(', ')})`);
    }
  }
  const o = options as Record<string, unknown>;
  refuseTwoHeapLimits(o);
  // The ranges are driver-kit's, shared by every driver: an idle timeout below 2^31 ms (Node turns a
  // longer timer into 1 ms, which would reap every idle worker at once), heap limits V8 honours (it
  // ignores a huge one: the worker would run unlimited).
  return {
    ...resolveProcessOptions(o),
    concurrency:
      o.concurrency === undefined
        ? defaultConcurrency
        : checkConcurrency(o.concurrency, 'options.concurrency'),
    bootstrap: o.bootstrap === undefined ? undefined : checkModuleHref(o.bootstrap, 'options.bootstrap'),
    bootstrapTimeout:
      o.bootstrapTimeout === undefined
        ? DEFAULT_BOOTSTRAP_TIMEOUT_MS
        : checkBootstrapTimeout(o.bootstrapTimeout, 'options.bootstrapTimeout'),
    memoryLimitMb:
      o.memoryLimitMb === undefined ? undefined : checkMemoryLimit(o.memoryLimitMb, 'options.memoryLimitMb'),
    maxTasksPerWorker:
      o.maxTasksPerWorker === undefined
        ? Number.POSITIVE_INFINITY
        : checkNumberInRange(o.maxTasksPerWorker, 'options.maxTasksPerWorker', {
            min: 1,
            integer: true,
            infinity: true,
          }),
    maxHeapMb: o.maxHeapMb === undefined ? 0 : checkMemoryMb(o.maxHeapMb, 'options.maxHeapMb'),
    maxResultMb: o.maxResultMb === undefined ? 0 : checkMaxResultMb(o.maxResultMb, 'options.maxResultMb'),
    idleTimeout:
      o.idleTimeout === undefined
        ? Number.POSITIVE_INFINITY
        : checkTimerMs(o.idleTimeout, 'options.idleTimeout', { min: 1, infinity: true }),
    lingerMs:
      o.lingerMs === undefined
        ? DEFAULT_POOL_LINGER_MS
        : checkTimerMs(o.lingerMs, 'options.lingerMs', { min: 1, integer: true, infinity: true }),
    env: o.env === undefined ? 'inherit' : checkWorkerEnv(o.env, 'options.env'),
  };
}

/**
 * Turns the settings core passes to `createDriver` into pool options: the common settings plus the
 * recycling options found in `settings.options` (an unknown key there is an error naming it).
 *
 * @example
 * ```ts
 * poolOptionsFromSettings({ concurrency: 4, options: { maxTasksPerWorker: 1 } });
 * // { concurrency: 4, maxTasksPerWorker: 1 }
 * ```
 */
export function poolOptionsFromSettings(settings: DriverSettings): PoolDriverOptions {
  const extra = settings.options ?? {};
  for (const key of Object.keys(extra)) {
    if (!(RECYCLE_KEYS as readonly string[]).includes(key)) {
      throw new TypeError(
        `unknown option "${key}" for the pool driver (drivers.pool / driverOptions; known: ${RECYCLE_KEYS.join(', ')})`,
      );
    }
  }
  return {
    ...extra,
    concurrency: settings.concurrency,
    bootstrap: settings.bootstrap,
    memoryLimitMb: settings.memoryLimitMb,
    ...(settings.maxResultMb !== undefined ? { maxResultMb: settings.maxResultMb } : {}),
    ...(settings.bootstrapTimeout !== undefined ? { bootstrapTimeout: settings.bootstrapTimeout } : {}),
  };
}

/**
 * A `--max-old-space-size` in `execArgv` comes after the one `memoryLimitMb` sets and would win, while
 * an `oom` failure would still name `memoryLimitMb`: the two together are refused, naming both.
 */
function refuseTwoHeapLimits(o: Record<string, unknown>): void {
  if (o.memoryLimitMb === undefined || !Array.isArray(o.execArgv)) return;
  const flag = o.execArgv.find(
    (a) => typeof a === 'string' && /^--max[-_]old[-_]space[-_]size(=|$)/.test(a),
  ) as string | undefined;
  if (flag === undefined) return;
  throw new TypeError(
    `options.execArgv sets ${flag} while options.memoryLimitMb is ${String(o.memoryLimitMb)}: ` +
      "memoryLimitMb is the worker process's --max-old-space-size, give only one of them",
  );
}
