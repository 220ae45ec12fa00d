/**
 * Choosing a driver and its defaults by configuration: explicit option > `ISOLANE_DRIVER` >
 * `isolane.config.{json,js,mjs,ts}` > default (`pool`). The config file is the one named by the
 * `config` option or `ISOLANE_CONFIG`, else the one discovered from the working directory up to the
 * project root (see config-discovery.ts: planted files are skipped). A malformed config is a
 * `TypeError` naming the file and the field.
 *
 * Why not lilconfig (or cosmiconfig): lilconfig reads every candidate it finds, so a directory named
 * `isolane.config.json` still throws EISDIR, and it offers no hook to vet a candidate (owner,
 * world-writable folder) before reading it or to skip one and keep searching; its search is async or
 * sync as a whole, while JSON must load synchronously here (the constructor picks the driver at once)
 * and JS asynchronously. With the checks added, the search left to delegate is a twenty-line loop.
 */
import { readFileSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CONFIG_WARNING_CODES,
  findConfigFile,
  forgetWarnings,
  untrustedReason,
  warnSkipped,
} from './config-discovery.js';
import { type DriverName, describe, type IsolaneConfig, validateConfig } from './config-fields.js';
import { printable, readProperty } from './printable.js';

export {
  CONFIG_FILES,
  CONFIG_WARNING_CODES,
  findConfigFile,
  findProjectRoot,
  PROJECT_ROOT_MARKERS,
} from './config-discovery.js';
export {
  checkBootstrap,
  checkConcurrency,
  checkDriverName,
  checkGlobals,
  checkMemoryLimit,
  checkTimeout,
  configBootstrap,
  type DriverName,
  type IsolaneConfig,
  KNOWN_DRIVERS,
  validateConfig,
} from './config-fields.js';

/** The driver used when nothing chooses one. */
export const DEFAULT_DRIVER: DriverName = 'pool';

/** Environment variable that picks the driver when the code does not. */
export const DRIVER_ENV = 'ISOLANE_DRIVER';

/**
 * Environment variable that names the config file (a path, relative to the working directory) or,
 * set to `0`, `off`, `false` or `none`, turns config discovery off. The `config` option wins over it.
 */
export const CONFIG_ENV = 'ISOLANE_CONFIG';

const CONFIG_OFF = new Set(['0', 'off', 'false', 'none']);

/**
 * Which config applies: `undefined` = `ISOLANE_CONFIG`, else discovery; `false` = none; a path
 * (relative to `cwd`) or file URL = that file, which must exist.
 */
export type ConfigChoice = false | string | URL | undefined;

/** A loaded config with the file it came from. */
export interface LoadedConfig {
  readonly file: string;
  readonly config: IsolaneConfig;
}

type Loaded = LoadedConfig | undefined | Promise<LoadedConfig | undefined>;

const cache = new Map<string, Loaded>();

/**
 * Loads the config that applies to `from` (cached per directory and choice). JSON loads
 * synchronously; a JS/TS config loads through `import()` (it runs code, as ESLint's and Vite's
 * configs do) and yields a promise. `choice` is the `config` option of a `WaitGroup`
 * ({@link ConfigChoice}).
 *
 * @example
 * ```ts
 * const loaded = await loadConfig();
 * console.log(loaded?.file, loaded?.config.driver);
 * await loadConfig(process.cwd(), false); // undefined: discovery off
 * ```
 */
export function loadConfig(from: string = process.cwd(), choice?: ConfigChoice): Loaded {
  if (choice === false) return undefined;
  let label = 'options.config';
  if (choice === undefined) {
    const env = process.env[CONFIG_ENV];
    if (env !== undefined && env !== '') {
      if (CONFIG_OFF.has(env.trim().toLowerCase())) return undefined;
      choice = env;
      label = `environment variable ${CONFIG_ENV}`;
    }
  }
  const base = from === process.cwd() ? from : resolve(from);
  const named = choice === undefined ? undefined : namedConfigPath(choice, base, label);
  const key = named === undefined ? base : `\0${named}`;
  if (cache.has(key)) return cache.get(key);
  const file = named ?? findConfigFile(base);
  let loaded: Loaded;
  if (!file) loaded = undefined;
  else if (file.endsWith('.json')) loaded = vetBootstrap({ file, config: parseJsonConfig(file) });
  else {
    loaded = importConfig(file).then((config) => {
      const value = vetBootstrap({ file, config });
      cache.set(key, value);
      return value;
    });
    loaded.catch(() => cache.delete(key));
  }
  cache.set(key, loaded);
  return loaded;
}

/**
 * Forgets loaded configs (for tests and long-running tools that edit the file), and which skipped
 * files were already warned about.
 *
 * @example
 * ```ts
 * clearConfigCache();
 * ```
 */
export function clearConfigCache(): void {
  cache.clear();
  forgetWarnings();
}

/**
 * Validates a `config` option: `false`, a non-empty path string or a `file:` URL.
 *
 * @example
 * ```ts
 * checkConfigChoice(false, 'options.config'); // false
 * ```
 */
export function checkConfigChoice(value: unknown, label: string): ConfigChoice {
  if (value === undefined || value === false) return value;
  if ((typeof value === 'string' && value !== '') || (value instanceof URL && value.protocol === 'file:')) {
    return value;
  }
  throw new TypeError(
    `${label} must be false (no config file) or the path or file: URL of a config file, got ${describe(value)}`,
  );
}

/** A named config file: it must exist and be a regular file with a known extension. */
function namedConfigPath(choice: string | URL, base: string, label: string): string {
  const file =
    choice instanceof URL || choice.startsWith('file:') ? fileURLToPath(choice) : resolve(base, choice);
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TypeError(
      `${label} names the config file ${file}, which ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`,
    );
  }
  if (!isFile) throw new TypeError(`${label} names ${file}, which is not a regular file`);
  if (!['.json', '.js', '.mjs', '.ts'].includes(extname(file))) {
    throw new TypeError(`${label} names ${file}: a config file ends in .json, .js, .mjs or .ts`);
  }
  return file;
}

/** A bootstrap a config names is not loaded from a place another user could have written. */
function vetBootstrap(loaded: LoadedConfig): LoadedConfig {
  const href = loaded.config.bootstrap;
  if (href === undefined || !href.startsWith('file:')) return loaded;
  const reason = untrustedReason(fileURLToPath(href));
  if (reason === undefined) return loaded;
  warnSkipped(
    CONFIG_WARNING_CODES.unsafe,
    `${loaded.file}: the bootstrap ${fileURLToPath(href)} was not loaded: ${reason}`,
  );
  const { bootstrap: _skipped, ...config } = loaded.config;
  return { file: loaded.file, config };
}

function parseJsonConfig(file: string): IsolaneConfig {
  let raw: unknown;
  try {
    // A UTF-8 byte order mark (as some Windows editors write) is not JSON; drop it.
    raw = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new TypeError(`${file}: not valid JSON (${printable(err)})`);
  }
  return validateConfig(raw, file);
}

async function importConfig(file: string): Promise<IsolaneConfig> {
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (err) {
    const code = readProperty(err, 'code');
    const hint =
      code === 'ERR_UNKNOWN_FILE_EXTENSION'
        ? ' (a .ts config needs the process to run under tsx or Node >= 22.18; or use isolane.config.json)'
        : '';
    throw new TypeError(`${file}: could not be loaded: ${printable(err)}${hint}`);
  }
  return validateConfig(mod.default, file);
}
