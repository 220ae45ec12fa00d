/**
 * A WaitGroup's settings, each from the first place that sets it: the explicit option, then (for the
 * driver's name) `ISOLANE_DRIVER`, then the config file, then the default — `pool`, available
 * parallelism, no timeout, no globals. A JSON config resolves at once; a JS/TS config loads through
 * `import()`, and until it has, `driver` is a promise and the config's timeout and globals are not
 * applied yet.
 */
import { availableParallelism } from 'node:os';
import {
  checkDriverName,
  DEFAULT_DRIVER,
  DRIVER_ENV,
  type DriverName,
  type IsolaneConfig,
  type LoadedConfig,
  loadConfig,
} from './config.js';
import type { Driver, DriverSettings } from './driver.js';
import { sharedDriver } from './driver-registry.js';
import type { StrayHandler } from './stray-routing.js';
import type { CheckedOptions } from './wait-group-options.js';

const NO_GLOBALS: ReadonlySet<string> = new Set();
const NO_CONFIG: IsolaneConfig = {};

/**
 * What a group runs with. `timeout`, `globals` and `driverName` change once, when a JS/TS config
 * file has loaded.
 *
 * @example
 * ```ts
 * const settings = new GroupSettings(checkGroupOptions({ driver: 'thread', timeout: 5_000 }));
 * settings.timeout; // 5000
 * ```
 */
export class GroupSettings {
  readonly onError: StrayHandler | undefined;
  readonly signal: AbortSignal | undefined;
  /** Per task, ms, from the moment the task starts running; 0 = none. */
  timeout: number;
  /** Names on `globalThis` that inline tasks may use. */
  globals: ReadonlySet<string>;
  /** The driver's name; undefined only while a JS/TS config is loading. */
  driverName: string | undefined;
  /** The driver: a Driver instance passed in, or the shared driver for the resolved name and settings. */
  readonly driver: Driver | Promise<Driver>;

  constructor(options: CheckedOptions) {
    const { driverInstance } = options;
    this.onError = options.onError;
    this.signal = options.signal;
    this.timeout = options.timeout ?? 0;
    this.globals = toSet(options.globals);
    this.driverName = driverInstance?.name;
    // Read only when it can matter: `process.env` is a slow lookup, and a group per request is common.
    const envValue = options.driverName || driverInstance ? undefined : process.env[DRIVER_ENV];
    const envName =
      envValue === undefined || envValue === ''
        ? undefined
        : checkDriverName(envValue, `environment variable ${DRIVER_ENV}`);
    // A named config file is read (and must exist) even when the options leave it nothing to set.
    const needsConfig =
      options.config !== false &&
      (options.config !== undefined ||
        !(driverInstance && options.timeout !== undefined && options.globals !== undefined));
    const loaded = needsConfig ? loadConfig(options.cwd, options.config) : undefined;
    this.driver =
      loaded instanceof Promise
        ? loaded.then((l) => this.#apply(options, envName, l))
        : this.#apply(options, envName, loaded);
  }

  /** Fills what the options left open from the config, and finds the driver. */
  #apply(
    options: CheckedOptions,
    envName: DriverName | undefined,
    loaded: LoadedConfig | undefined,
  ): Driver | Promise<Driver> {
    const config = loaded?.config ?? NO_CONFIG;
    if (options.timeout === undefined && config.timeout !== undefined) this.timeout = config.timeout;
    if (options.globals === undefined && config.globals) this.globals = toSet(config.globals);
    if (options.driverInstance) return options.driverInstance;
    const name = options.driverName ?? envName ?? config.driver ?? DEFAULT_DRIVER;
    this.driverName = name;
    return sharedDriver(name, driverSettings(name, options, config));
  }
}

/** A named driver's settings: each option over the config's, over the default. */
function driverSettings(name: DriverName, options: CheckedOptions, config: IsolaneConfig): DriverSettings {
  const driverOptions = { ...config.drivers?.[name], ...options.driverOptions };
  return {
    concurrency: options.concurrency ?? config.concurrency ?? availableParallelism(),
    bootstrap: options.bootstrap ?? config.bootstrap,
    bootstrapTimeout: options.bootstrapTimeout ?? config.bootstrapTimeout,
    memoryLimitMb: options.memoryLimitMb ?? config.memoryLimitMb,
    maxResultMb: options.maxResultMb ?? config.maxResultMb,
    options: Object.keys(driverOptions).length > 0 ? driverOptions : undefined,
  };
}

function toSet(names: readonly string[] | undefined): ReadonlySet<string> {
  return names === undefined || names.length === 0 ? NO_GLOBALS : new Set(names);
}
