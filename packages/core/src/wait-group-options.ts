/**
 * The options a `WaitGroup` takes, and their eager check: every explicit option is validated at the
 * constructor, before any config file is read, and a bad one is a `TypeError`/`RangeError` naming it.
 * The shared options go through driver-kit's checkers, so a value means the same here, in a config
 * file and in each driver's own constructor.
 */
import { type ConfigChoice, checkConfigChoice, checkDriverName, type DriverName } from './config.js';
import { type Driver, isDriver } from './driver.js';
// The same checker per option as the config file and every driver constructor use.
import { checkModuleHref } from './driver-kit/module-href.js';
import {
  checkBootstrapTimeout,
  checkConcurrency,
  checkGlobals,
  checkMaxResultMb,
  checkMemoryLimit,
  checkTimeout,
} from './driver-kit/option-checks.js';
import type { StrayHandler } from './stray-routing.js';

/** Options of a {@link WaitGroup}. Every field is optional; config and environment fill the gaps. */
export interface WaitGroupOptions {
  /** A driver name, or a `Driver` instance you own (you close it). Default: config, then `pool`. */
  driver?: DriverName | Driver | undefined;
  /** Module loaded once per worker before its first task. */
  bootstrap?: URL | string | undefined;
  /**
   * How long (ms) a worker's bootstrap may take: past it the worker is killed and every task waiting
   * for it fails with kind `bootstrap`. Integer from 1 to 2147483647, or `Infinity` (none). Default 30000.
   */
  bootstrapTimeout?: number | undefined;
  /** Max tasks running at once. Default: available parallelism. */
  concurrency?: number | undefined;
  /** Per task, ms, counted from the moment the task starts running. 0 = none. */
  timeout?: number | undefined;
  /** Per task/worker memory limit where the model can enforce it. */
  memoryLimitMb?: number | undefined;
  /**
   * The largest result (MiB, serialized) a task may send back from another thread or process; a larger
   * one fails the slot as `unserializable` before it reaches this process. Default: none.
   */
  maxResultMb?: number | undefined;
  /** Aborts every unfinished task of the group. */
  signal?: AbortSignal | undefined;
  /** Names the bootstrap defines on `globalThis`, which inline functions may use. */
  globals?: readonly string[] | undefined;
  /** Driver-specific options (merged over the config file's `drivers.<name>`). */
  driverOptions?: Readonly<Record<string, unknown>> | undefined;
  /**
   * Receives failures that have no open slot any more (a timer a task left behind threw after it
   * returned). Default: printed to stderr. Never lost silently.
   */
  onError?: StrayHandler | undefined;
  /**
   * Receives every message a task sends (`taskContext().send()`), with its slot, as it arrives; then
   * `wg.messages(slot)` yields none. A handler that throws goes to `onError`. See docs/channels.md.
   */
  onMessage?: ((message: unknown, slot: number) => void) | undefined;
  /** Receives every progress value a task reports (`taskContext().progress()`), with its slot. */
  onProgress?: ((value: unknown, slot: number) => void) | undefined;
  /** Directory the config file is searched from. Default: `process.cwd()`. */
  cwd?: string | undefined;
  /**
   * Which config file applies: `false` = none (discovery off), a path (relative to `cwd`) or file URL =
   * that file, which must exist. Default: `ISOLANE_CONFIG`, else discovery from `cwd` up to the
   * project root.
   */
  config?: ConfigChoice | undefined;
}

/** The options after their check: normalized values, `undefined` where the caller gave none. */
export interface CheckedOptions {
  /** The caller's Driver instance, if `driver` was one. */
  readonly driverInstance: Driver | undefined;
  /** The driver name, if `driver` was one. */
  readonly driverName: DriverName | undefined;
  readonly concurrency: number | undefined;
  /** Milliseconds; 0 = none (Infinity becomes 0). */
  readonly timeout: number | undefined;
  readonly memoryLimitMb: number | undefined;
  readonly maxResultMb: number | undefined;
  /** An href. */
  readonly bootstrap: string | undefined;
  /** Milliseconds (Infinity: none). */
  readonly bootstrapTimeout: number | undefined;
  readonly globals: readonly string[] | undefined;
  readonly driverOptions: Readonly<Record<string, unknown>> | undefined;
  readonly onError: StrayHandler | undefined;
  readonly signal: AbortSignal | undefined;
  readonly cwd: string | undefined;
  readonly config: ConfigChoice;
}

const OPTION_KEYS = new Set<string>([
  'driver',
  'bootstrap',
  'bootstrapTimeout',
  'concurrency',
  'timeout',
  'memoryLimitMb',
  'maxResultMb',
  'signal',
  'globals',
  'driverOptions',
  'onError',
  'onMessage',
  'onProgress',
  'cwd',
  'config',
] satisfies (keyof WaitGroupOptions)[]);

/** The options that configure a driver, which a caller's own Driver instance already has. */
const DRIVER_KEYS = [
  'bootstrap',
  'bootstrapTimeout',
  'concurrency',
  'memoryLimitMb',
  'maxResultMb',
  'driverOptions',
] as const;

/**
 * Checks a WaitGroup's options, naming the first bad one.
 *
 * @example
 * ```ts
 * checkGroupOptions({ concurrency: 0 }); // RangeError: options.concurrency must be an integer from 1 to 4096, got 0
 * ```
 */
export function checkGroupOptions(options: WaitGroupOptions): CheckedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `WaitGroup options must be an object, got ${options === null ? 'null' : typeof options}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) {
      throw new TypeError(`unknown WaitGroup option "${key}" (known: ${[...OPTION_KEYS].join(', ')})`);
    }
  }
  const { signal, onError, cwd, driverOptions, driver } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError('options.signal must be an AbortSignal');
  }
  if (onError !== undefined && typeof onError !== 'function') {
    throw new TypeError('options.onError must be a function');
  }
  if (options.onMessage !== undefined && typeof options.onMessage !== 'function') {
    throw new TypeError('options.onMessage must be a function');
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new TypeError('options.onProgress must be a function');
  }
  if (cwd !== undefined && typeof cwd !== 'string') {
    throw new TypeError('options.cwd must be a directory path string');
  }
  const config = checkConfigChoice(options.config, 'options.config');
  if (driverOptions !== undefined && (typeof driverOptions !== 'object' || driverOptions === null)) {
    throw new TypeError('options.driverOptions must be an object');
  }
  const driverInstance = isDriver(driver) ? driver : undefined;
  if (driver !== undefined && typeof driver !== 'string' && !driverInstance) {
    throw new TypeError(
      'options.driver must be a driver name or a Driver instance (with a name, start() and close())',
    );
  }
  const checked: CheckedOptions = {
    driverInstance,
    // Explicit options are checked in this order, before any config is read.
    concurrency: ifSet(options.concurrency, checkConcurrency, 'options.concurrency'),
    timeout: ifSet(options.timeout, checkTimeout, 'options.timeout'),
    memoryLimitMb: ifSet(options.memoryLimitMb, checkMemoryLimit, 'options.memoryLimitMb'),
    maxResultMb: ifSet(options.maxResultMb, checkMaxResultMb, 'options.maxResultMb'),
    bootstrap: ifSet(options.bootstrap, checkModuleHref, 'options.bootstrap'),
    bootstrapTimeout: ifSet(options.bootstrapTimeout, checkBootstrapTimeout, 'options.bootstrapTimeout'),
    globals: ifSet(options.globals, checkGlobals, 'options.globals'),
    driverName: typeof driver === 'string' ? checkDriverName(driver, 'options.driver') : undefined,
    driverOptions,
    onError,
    signal,
    cwd,
    config,
  };
  // Named reads first (a keyed read per name is a slow lookup on a hot path: a group per request).
  if (
    driverInstance &&
    (options.bootstrap !== undefined ||
      options.bootstrapTimeout !== undefined ||
      options.concurrency !== undefined ||
      options.memoryLimitMb !== undefined ||
      options.maxResultMb !== undefined ||
      options.driverOptions !== undefined)
  ) {
    const key = DRIVER_KEYS.find((k) => options[k] !== undefined);
    throw new TypeError(
      `options.${key} belongs to the driver when options.driver is a Driver instance: pass it to the driver`,
    );
  }
  return checked;
}

function ifSet<T>(value: unknown, check: (value: unknown, label: string) => T, label: string): T | undefined {
  return value === undefined ? undefined : check(value, label);
}
