/**
 * The thread driver's options: their types, defaults and eager validation. A bad option is a
 * `TypeError`/`RangeError` naming it when the driver is created, never a surprise at the first task.
 */
import { availableParallelism } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import {
  checkBootstrapTimeout,
  checkConcurrency,
  checkMaxResultMb,
  checkMemoryLimit,
  checkModuleHref,
  checkPrespawn,
  checkTimerMs,
  checkWorkerEnv,
  DEFAULT_BOOTSTRAP_TIMEOUT_MS,
  type DriverSettings,
  type WorkerEnv,
} from '@isolane/core/driver-kit';

/**
 * Options of a {@link ThreadDriver}.
 *
 * @example
 * ```ts
 * const options: ThreadDriverOptions = { concurrency: 4, memoryLimitMb: 256, prespawn: 2, lingerMs: 500 };
 * ```
 */
export interface ThreadDriverOptions {
  /** Max tasks running at once; more are queued. Default: available parallelism. */
  readonly concurrency?: number | undefined;
  /** Module (URL, href or absolute path) each worker loads before its task. */
  readonly bootstrap?: string | URL | undefined;
  /**
   * How long (ms) a worker's bootstrap may take before the worker is terminated and its task fails with
   * kind `bootstrap`. `Infinity`: no deadline. Default 30000.
   */
  readonly bootstrapTimeout?: number | undefined;
  /** Old-generation heap limit of each worker; exceeding it fails the task with `kind: 'oom'`. */
  readonly memoryLimitMb?: number | undefined;
  /**
   * The largest result (MiB, as `v8.serialize` measures it in the worker) a task may send back; a
   * larger one fails as `unserializable` (`ResultTooLargeError`) without reaching the parent. Default: none.
   */
  readonly maxResultMb?: number | undefined;
  /**
   * Fresh workers kept started so a task does not wait for a spawn. Default 0. Each still runs exactly
   * one task and is then discarded. While it waits, a prespawned worker loads the bootstrap, then the
   * task modules this driver ran most recently (their top-level code runs there, ahead of the task).
   * Idle prespawned workers never keep the process alive.
   */
  readonly prespawn?: number | undefined;
  /**
   * How long a worker may keep running after its task's outcome was sent (a timer the task left
   * behind) before it is terminated; errors it throws meanwhile are reported as strays. Default 1000.
   */
  readonly lingerMs?: number | undefined;
  /**
   * Each worker's `process.env`: `'inherit'` (default, a copy of the parent's whole environment, secrets
   * included), an allow-list of variable names (copied from the parent when the worker starts), or an
   * object that is the whole environment (Worker's `env` option).
   */
  readonly env?: WorkerEnv | undefined;
}

/**
 * Driver-specific keys accepted in `settings.options` (config file `drivers.thread`, `driverOptions`).
 *
 * @example
 * ```ts
 * const extra: ThreadDriverExtraOptions = { prespawn: 2, lingerMs: 250 };
 * new WaitGroup({ driver: 'thread', driverOptions: extra });
 * ```
 */
export type ThreadDriverExtraOptions = Pick<ThreadDriverOptions, 'prespawn' | 'lingerMs' | 'env'>;

/**
 * Options with defaults applied, as `ThreadDriver.options` reports them.
 *
 * @example
 * ```ts
 * const { concurrency, prespawn }: ResolvedThreadOptions = new ThreadDriver({ prespawn: 1 }).options;
 * ```
 */
export interface ResolvedThreadOptions {
  readonly concurrency: number;
  readonly bootstrap: string | undefined;
  /** Milliseconds (Infinity: none). */
  readonly bootstrapTimeout: number;
  readonly memoryLimitMb: number | undefined;
  readonly maxResultMb: number | undefined;
  readonly prespawn: number;
  readonly lingerMs: number;
  readonly env: WorkerEnv;
}

/**
 * Default time (ms) a worker may linger after its task settled.
 *
 * @example
 * ```ts
 * new ThreadDriver({ lingerMs: DEFAULT_LINGER_MS * 2 });
 * ```
 */
export const DEFAULT_LINGER_MS = 1000;

const OPTION_KEYS = new Set([
  'concurrency',
  'bootstrap',
  'bootstrapTimeout',
  'memoryLimitMb',
  'maxResultMb',
  'prespawn',
  'lingerMs',
  'env',
]);
const EXTRA_KEYS = new Set(['prespawn', 'lingerMs', 'env']);

/**
 * Validates options and applies defaults.
 *
 * @example
 * ```ts
 * resolveThreadOptions({ prespawn: 2 }); // { concurrency: 2, prespawn: 2, lingerMs: 1000, ... }
 * resolveThreadOptions({ prespawn: -1 }); // throws RangeError naming "prespawn"
 * ```
 */
export function resolveThreadOptions(options: ThreadDriverOptions = {}): ResolvedThreadOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `thread driver options must be an object, got ${options === null ? 'null' : typeof options}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) {
      throw new TypeError(`unknown thread driver option "${key}" (known: ${[...OPTION_KEYS].join(', ')})`);
    }
  }
  // The checkers are driver-kit's, the ones WaitGroup and every driver use: a value is accepted or
  // rejected the same way wherever it is given. A linger below 2^31 ms (Node turns a longer timer into
  // 1 ms), a whole heap limit from 8 MiB (less cannot start a worker) to 1 TiB (V8 ignores a huge one:
  // the worker would run unlimited), a bounded prespawn.
  return {
    concurrency:
      options.concurrency === undefined
        ? availableParallelism()
        : checkConcurrency(options.concurrency, label('concurrency')),
    bootstrap:
      options.bootstrap === undefined ? undefined : checkModuleHref(options.bootstrap, label('bootstrap')),
    bootstrapTimeout:
      options.bootstrapTimeout === undefined
        ? DEFAULT_BOOTSTRAP_TIMEOUT_MS
        : checkBootstrapTimeout(options.bootstrapTimeout, label('bootstrapTimeout')),
    memoryLimitMb:
      options.memoryLimitMb === undefined
        ? undefined
        : checkMemoryLimit(options.memoryLimitMb, label('memoryLimitMb')),
    maxResultMb:
      options.maxResultMb === undefined
        ? undefined
        : checkMaxResultMb(options.maxResultMb, label('maxResultMb')),
    prespawn: options.prespawn === undefined ? 0 : checkPrespawn(options.prespawn, label('prespawn')),
    lingerMs:
      options.lingerMs === undefined ? DEFAULT_LINGER_MS : checkTimerMs(options.lingerMs, label('lingerMs')),
    env: options.env === undefined ? 'inherit' : checkWorkerEnv(options.env, label('env')),
  };
}

/**
 * Turns core's driver settings into thread driver options; `settings.options` may hold only the
 * thread-specific keys.
 *
 * @example
 * ```ts
 * optionsFromSettings({ concurrency: 4, options: { prespawn: 1 } }); // { concurrency: 4, prespawn: 1 }
 * ```
 */
export function optionsFromSettings(settings: DriverSettings): ThreadDriverOptions {
  const extra = settings.options ?? {};
  for (const key of Object.keys(extra)) {
    if (!EXTRA_KEYS.has(key)) {
      throw new TypeError(
        `unknown option "${key}" for the thread driver (driver options: ${[...EXTRA_KEYS].join(', ')})`,
      );
    }
  }
  const { concurrency, bootstrap, memoryLimitMb, bootstrapTimeout, maxResultMb } = settings;
  return {
    ...(extra as ThreadDriverExtraOptions),
    concurrency,
    bootstrap,
    memoryLimitMb,
    ...(maxResultMb !== undefined ? { maxResultMb } : {}),
    ...(bootstrapTimeout !== undefined ? { bootstrapTimeout } : {}),
  };
}

/**
 * The worker resource limits for a memory limit: the old generation gets the limit; the young generation
 * stays small enough that the worker's total heap does not dwarf it.
 *
 * @example
 * ```ts
 * resourceLimitsFor(256); // { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 48 }
 * ```
 */
export function resourceLimitsFor(memoryLimitMb: number | undefined): ResourceLimits | undefined {
  if (memoryLimitMb === undefined) return undefined;
  return {
    maxOldGenerationSizeMb: memoryLimitMb,
    maxYoungGenerationSizeMb: Math.max(1, Math.min(48, Math.floor(memoryLimitMb / 4))),
  };
}

function label(name: string): string {
  return `thread driver option "${name}"`;
}
