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
import { isSharedDriver, sharedDriver, sharedDriverKey } from './driver-registry.js';
import type { StrayHandler } from './stray-routing.js';
import type { CheckedOptions } from './wait-group-options.js';

const NO_GLOBALS: ReadonlySet<string> = new Set();
const NO_CONFIG: IsolaneConfig = {};

/**
 * What a group's options resolved to with a given config, kept for the next group with the same
 * options (a group per request): the config lookup and the driver's key are not redone. Reused only
 * while the driver is still the shared one for its key (not closed or forgotten since) and, when the
 * concurrency came from the default, while `availableParallelism()` still gives the same number (read
 * at most once a second: a change of the process's CPU affinity reaches new groups within a second). A
 * different config (a cleared cache, another `ISOLANE_CONFIG` or working directory) is another
 * `LoadedConfig` object, so it never meets these; `ISOLANE_DRIVER` is part of the options' key.
 */
interface Resolution {
  readonly timeout: number;
  readonly globals: ReadonlySet<string>;
  readonly driverName: DriverName;
  readonly driver: Driver;
  readonly key: string;
  /** The default concurrency it took, or undefined when the options or the config set it. */
  readonly parallelism: number | undefined;
}

/** Resolutions per loaded config (`NO_FILE` when none applies), by the options' key. */
const resolutions = new WeakMap<object, Map<string, Resolution>>();
const NO_FILE = {};
/** Past this many option shapes per config, the oldest are dropped (options that vary per request). */
const MAX_RESOLUTIONS = 256;

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
    if (loaded instanceof Promise) {
      this.driver = loaded.then((l) => this.#apply(options, envName, l));
      return;
    }
    const optionsKey = driverInstance ? undefined : resolutionKey(options, envName);
    const known = optionsKey === undefined ? undefined : reusable(loaded, optionsKey);
    if (known === undefined) {
      this.driver = this.#apply(options, envName, loaded, optionsKey);
      return;
    }
    this.timeout = known.timeout;
    this.globals = known.globals;
    this.driverName = known.driverName;
    this.driver = known.driver;
  }

  /** Fills what the options left open from the config, and finds the driver. */
  #apply(
    options: CheckedOptions,
    envName: DriverName | undefined,
    loaded: LoadedConfig | undefined,
    optionsKey?: string,
  ): Driver | Promise<Driver> {
    const config = loaded?.config ?? NO_CONFIG;
    if (options.timeout === undefined && config.timeout !== undefined) this.timeout = config.timeout;
    if (options.globals === undefined && config.globals) this.globals = toSet(config.globals);
    if (options.driverInstance) return options.driverInstance;
    const name = options.driverName ?? envName ?? config.driver ?? DEFAULT_DRIVER;
    this.driverName = name;
    const parallelism =
      options.concurrency === undefined && config.concurrency === undefined ? parallelismNow() : undefined;
    const settings = driverSettings(name, options, config, parallelism);
    const key = sharedDriverKey(name, settings);
    const driver = sharedDriver(name, settings, key);
    if (optionsKey !== undefined && !(driver instanceof Promise)) {
      const { timeout, globals } = this;
      remember(loaded, optionsKey, { timeout, globals, driverName: name, driver, key, parallelism });
    }
    return driver;
  }
}

/**
 * The key of the options that decide a group's driver and defaults, with `ISOLANE_DRIVER`'s value;
 * undefined for driver options that are not all plain values (those groups resolve afresh). Only the
 * fields set are written, each behind `|` and its own letter: numbers, checked names and identifiers
 * hold no `|`; driver options are length-prefixed, and the one free text, the bootstrap, goes last.
 */
function resolutionKey(o: CheckedOptions, envName: DriverName | undefined): string | undefined {
  // A driver name alone is its own key (a string the caller's code holds: no new string, no new hash).
  let key = o.driverName ?? `|e${envName}`;
  if (o.concurrency !== undefined) key += `|c${o.concurrency}`;
  if (o.timeout !== undefined) key += `|t${o.timeout}`;
  if (o.memoryLimitMb !== undefined) key += `|m${o.memoryLimitMb}`;
  if (o.maxResultMb !== undefined) key += `|r${o.maxResultMb}`;
  if (o.bootstrapTimeout !== undefined) key += `|T${o.bootstrapTimeout}`;
  if (o.globals !== undefined) key += `|g${o.globals.join(',')}`;
  if (o.driverOptions !== undefined) {
    key += '|o';
    for (const name of Object.keys(o.driverOptions)) {
      const value = o.driverOptions[name];
      const type = typeof value;
      if (type !== 'string' && type !== 'number' && type !== 'boolean' && value !== undefined)
        return undefined;
      const text = String(value);
      key += `${name.length}:${name}${type[0]}${text.length}:${text}`;
    }
  }
  return o.bootstrap === undefined ? key : `${key}|b${o.bootstrap}`;
}

/** A kept resolution for these options and config that still holds, if any. */
function reusable(loaded: LoadedConfig | undefined, optionsKey: string): Resolution | undefined {
  const known = resolutions.get(loaded ?? NO_FILE)?.get(optionsKey);
  if (known === undefined || !isSharedDriver(known.key, known.driver)) return undefined;
  if (known.parallelism !== undefined && known.parallelism !== parallelismNow()) return undefined;
  return known;
}

/** `availableParallelism()` (a system call), read again at most every {@link PARALLELISM_TTL_MS}. */
function parallelismNow(): number {
  const now = performance.now();
  if (now >= parallelismUntil) {
    parallelism = availableParallelism();
    parallelismUntil = now + PARALLELISM_TTL_MS;
  }
  return parallelism;
}

const PARALLELISM_TTL_MS = 1000;
let parallelism = 0;
let parallelismUntil = 0;

function remember(loaded: LoadedConfig | undefined, optionsKey: string, resolution: Resolution): void {
  const owner = loaded ?? NO_FILE;
  let byOptions = resolutions.get(owner);
  if (byOptions === undefined) {
    byOptions = new Map();
    resolutions.set(owner, byOptions);
  } else if (byOptions.size >= MAX_RESOLUTIONS && !byOptions.has(optionsKey)) {
    byOptions.delete(byOptions.keys().next().value as string);
  }
  byOptions.set(optionsKey, resolution);
}

/** A named driver's settings: each option over the config's, over the default. */
function driverSettings(
  name: DriverName,
  options: CheckedOptions,
  config: IsolaneConfig,
  parallelism: number | undefined,
): DriverSettings {
  const driverOptions = { ...config.drivers?.[name], ...options.driverOptions };
  return {
    concurrency: options.concurrency ?? config.concurrency ?? parallelism ?? parallelismNow(),
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
