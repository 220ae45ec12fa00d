/**
 * Choosing a driver and its defaults by configuration: explicit option > `ISOLANE_DRIVER` >
 * `isolane.config.{json,js,mjs,ts}` found from the working directory upward > default (`pool`).
 * A malformed config is a `TypeError` naming the file and the field.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { normalizeModuleUrl } from './module-url.js';

/** The drivers isolane ships, each in its own package `@isolane/<name>`. */
export const KNOWN_DRIVERS = ['pool', 'thread', 'fork', 'cooperative'] as const;

/** Name of a shipped driver. */
export type DriverName = (typeof KNOWN_DRIVERS)[number];

/** The driver used when nothing chooses one. */
export const DEFAULT_DRIVER: DriverName = 'pool';

/** Environment variable that picks the driver when the code does not. */
export const DRIVER_ENV = 'ISOLANE_DRIVER';

/** Config file names, searched in this order in each directory from the working directory upward. */
export const CONFIG_FILES = [
  'isolane.config.json',
  'isolane.config.js',
  'isolane.config.mjs',
  'isolane.config.ts',
];

/**
 * The shape of `isolane.config.*`.
 *
 * @example
 * ```json
 * { "driver": "thread", "concurrency": 4, "timeout": 5000, "drivers": { "pool": { "maxTasksPerWorker": 100 } } }
 * ```
 */
export interface IsolaneConfig {
  driver?: DriverName;
  concurrency?: number;
  timeout?: number;
  memoryLimitMb?: number;
  /** Module URL (href); a relative path in the file is resolved against the file's directory. */
  bootstrap?: string;
  /** Names the bootstrap defines on `globalThis`, which inline functions may use. */
  globals?: string[];
  /** Per-driver options, e.g. `{ "pool": { "maxTasksPerWorker": 100 } }`. */
  drivers?: Partial<Record<DriverName, Record<string, unknown>>>;
}

/** A loaded config with the file it came from. */
export interface LoadedConfig {
  readonly file: string;
  readonly config: IsolaneConfig;
}

/**
 * Finds the nearest config file from `from` upward.
 *
 * @example
 * ```ts
 * findConfigFile(); // '/app/isolane.config.json' or undefined
 * ```
 */
export function findConfigFile(from: string = process.cwd()): string | undefined {
  let dir = resolve(from);
  for (;;) {
    for (const name of CONFIG_FILES) {
      const file = join(dir, name);
      if (existsSync(file)) return file;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const cache = new Map<string, LoadedConfig | undefined | Promise<LoadedConfig | undefined>>();

/**
 * Loads the config that applies to `from` (cached per directory). JSON loads synchronously; a JS/TS
 * config loads through `import()` and yields a promise.
 *
 * @example
 * ```ts
 * const loaded = await loadConfig();
 * console.log(loaded?.file, loaded?.config.driver);
 * ```
 */
export function loadConfig(
  from: string = process.cwd(),
): LoadedConfig | undefined | Promise<LoadedConfig | undefined> {
  const key = from === process.cwd() ? from : resolve(from);
  if (cache.has(key)) return cache.get(key);
  const file = findConfigFile(key);
  let loaded: LoadedConfig | undefined | Promise<LoadedConfig | undefined>;
  if (!file) loaded = undefined;
  else if (file.endsWith('.json')) loaded = { file, config: parseJsonConfig(file) };
  else {
    loaded = importConfig(file).then((config) => {
      const value = { file, config };
      cache.set(key, value);
      return value;
    });
    loaded.catch(() => cache.delete(key));
  }
  cache.set(key, loaded);
  return loaded;
}

/**
 * Forgets loaded configs (for tests and long-running tools that edit the file).
 *
 * @example
 * ```ts
 * clearConfigCache();
 * ```
 */
export function clearConfigCache(): void {
  cache.clear();
}

function parseJsonConfig(file: string): IsolaneConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new TypeError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return validateConfig(raw, file);
}

async function importConfig(file: string): Promise<IsolaneConfig> {
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (err) {
    const code = (err as { code?: string }).code;
    const hint =
      code === 'ERR_UNKNOWN_FILE_EXTENSION'
        ? ' (a .ts config needs the process to run under tsx or Node >= 22.18; or use isolane.config.json)'
        : '';
    throw new TypeError(`${file}: could not be loaded: ${(err as Error).message}${hint}`);
  }
  return validateConfig(mod.default, file);
}

/**
 * Checks a raw config object, naming the file and the field of the first problem.
 *
 * @example
 * ```ts
 * validateConfig({ driver: 'thred' }, 'isolane.config.json'); // TypeError: isolane.config.json: "driver" ...
 * ```
 */
export function validateConfig(raw: unknown, file: string): IsolaneConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new TypeError(`${file}: the config must be an object (JSON object or a default-exported object)`);
  }
  const input = raw as Record<string, unknown>;
  const out: IsolaneConfig = {};
  const allowed = new Set([
    '$schema',
    'driver',
    'concurrency',
    'timeout',
    'memoryLimitMb',
    'bootstrap',
    'globals',
    'drivers',
  ]);
  for (const key of Object.keys(input)) {
    if (!allowed.has(key)) {
      throw new TypeError(
        `${file}: unknown field "${key}" (known: ${[...allowed].filter((k) => k !== '$schema').join(', ')})`,
      );
    }
  }
  if (input.driver !== undefined) out.driver = checkDriverName(input.driver, `${file}: "driver"`);
  if (input.concurrency !== undefined)
    out.concurrency = checkConcurrency(input.concurrency, `${file}: "concurrency"`);
  if (input.timeout !== undefined) out.timeout = checkTimeout(input.timeout, `${file}: "timeout"`);
  if (input.memoryLimitMb !== undefined)
    out.memoryLimitMb = checkMemoryLimit(input.memoryLimitMb, `${file}: "memoryLimitMb"`);
  if (input.bootstrap !== undefined) {
    if (typeof input.bootstrap !== 'string' || input.bootstrap === '') {
      throw new TypeError(`${file}: "bootstrap" must be a path or URL string`);
    }
    const b = input.bootstrap;
    out.bootstrap =
      /^[a-z][a-z0-9+.-]*:/i.test(b) && !/^[a-z]:[\\/]/i.test(b)
        ? b
        : pathToFileURL(resolve(dirname(file), b)).href;
  }
  if (input.globals !== undefined) out.globals = checkGlobals(input.globals, `${file}: "globals"`);
  if (input.drivers !== undefined) {
    const drivers = input.drivers;
    if (typeof drivers !== 'object' || drivers === null || Array.isArray(drivers)) {
      throw new TypeError(`${file}: "drivers" must be an object keyed by driver name`);
    }
    out.drivers = {};
    for (const [name, opts] of Object.entries(drivers)) {
      const driver = checkDriverName(name, `${file}: "drivers.${name}"`);
      if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
        throw new TypeError(`${file}: "drivers.${name}" must be an object of driver options`);
      }
      out.drivers[driver] = opts as Record<string, unknown>;
    }
  }
  return out;
}

/**
 * Validates a driver name, listing the known ones.
 *
 * @example
 * ```ts
 * checkDriverName('thread', 'options.driver'); // 'thread'
 * ```
 */
export function checkDriverName(value: unknown, label: string): DriverName {
  if (typeof value === 'string' && (KNOWN_DRIVERS as readonly string[]).includes(value))
    return value as DriverName;
  throw new TypeError(
    `${label} must be one of ${KNOWN_DRIVERS.map((d) => `"${d}"`).join(', ')}; got ${describe(value)}`,
  );
}

/**
 * Validates `concurrency`: an integer >= 1.
 *
 * @example
 * ```ts
 * checkConcurrency(4, 'options.concurrency'); // 4
 * ```
 */
export function checkConcurrency(value: unknown, label: string): number {
  if (typeof value !== 'number') throw new TypeError(`${label} must be a number, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < 1 || value > 4096) {
    throw new RangeError(`${label} must be an integer from 1 to 4096, got ${value}`);
  }
  return value;
}

/**
 * Validates `timeout`: milliseconds > 0 (or 0 / Infinity for none, returned as undefined-like 0).
 *
 * @example
 * ```ts
 * checkTimeout(5000, 'options.timeout'); // 5000
 * ```
 */
export function checkTimeout(value: unknown, label: string): number {
  if (typeof value !== 'number')
    throw new TypeError(`${label} must be a number of milliseconds, got ${describe(value)}`);
  if (Number.isNaN(value) || value < 0)
    throw new RangeError(`${label} must be >= 0 milliseconds (0 = none), got ${value}`);
  if (value === Number.POSITIVE_INFINITY) return 0;
  if (value > 2 ** 31 - 1) throw new RangeError(`${label} must be at most 2147483647 ms, got ${value}`);
  return value;
}

/**
 * Validates `memoryLimitMb`: a number >= 8.
 *
 * @example
 * ```ts
 * checkMemoryLimit(256, 'options.memoryLimitMb'); // 256
 * ```
 */
export function checkMemoryLimit(value: unknown, label: string): number {
  if (typeof value !== 'number')
    throw new TypeError(`${label} must be a number of MiB, got ${describe(value)}`);
  if (!Number.isFinite(value) || value < 8)
    throw new RangeError(`${label} must be a finite number >= 8 (MiB), got ${value}`);
  return value;
}

/**
 * Validates `globals`: identifier names.
 *
 * @example
 * ```ts
 * checkGlobals(['db'], 'options.globals'); // ['db']
 * ```
 */
export function checkGlobals(value: unknown, label: string): string[] {
  if (
    !Array.isArray(value) ||
    value.some((v) => typeof v !== 'string' || !/^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(v))
  ) {
    throw new TypeError(`${label} must be an array of identifier names, got ${describe(value)}`);
  }
  return value as string[];
}

/**
 * Normalizes a bootstrap option (URL, file URL string or absolute path) to an href.
 *
 * @example
 * ```ts
 * checkBootstrap(new URL('./boot.js', import.meta.url), 'options.bootstrap');
 * ```
 */
export function checkBootstrap(value: unknown, label: string): string {
  if (!(value instanceof URL) && typeof value !== 'string') {
    throw new TypeError(`${label} must be a URL or an absolute path, got ${describe(value)}`);
  }
  return normalizeModuleUrl(value, label);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
