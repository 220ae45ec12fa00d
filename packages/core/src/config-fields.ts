/**
 * The fields of a config file and the checks they share with `WaitGroup` options: each problem is a
 * `TypeError`/`RangeError` naming the file (or option) and the field.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findProjectRoot } from './config-discovery.js';
import { describeValue as describe } from './driver-kit/describe-value.js';
import { checkModuleHref } from './driver-kit/module-href.js';
import {
  checkBootstrapTimeout,
  checkConcurrency,
  checkGlobals,
  checkMaxResultMb,
  checkMemoryLimit,
  checkTimeout,
} from './driver-kit/option-checks.js';

// The per-option checkers live in driver-kit (one rule for WaitGroup, the config file and every
// driver); re-exported here for the config's and WaitGroup's imports.
export { checkConcurrency, checkGlobals, checkMemoryLimit, checkTimeout, describe };

/** The drivers isolane ships, each in its own package `@isolane/<name>`. */
export const KNOWN_DRIVERS = ['pool', 'thread', 'fork', 'cooperative', 'queue'] as const;

/** Name of a shipped driver. */
export type DriverName = (typeof KNOWN_DRIVERS)[number];

/**
 * The shape of `isolane.config.*`.
 *
 * @example
 * ```json
 * { "driver": "thread", "concurrency": 4, "timeout": 5000, "drivers": { "pool": { "maxTasksPerWorker": 100 } } }
 * ```
 */
export interface IsolaneConfig {
  driver?: DriverName | undefined;
  concurrency?: number | undefined;
  timeout?: number | undefined;
  memoryLimitMb?: number | undefined;
  /** The largest result (MiB, serialized) a task may send back; a larger one fails as `unserializable`. */
  maxResultMb?: number | undefined;
  /**
   * Module URL (href). A relative path in the file resolves against the file's directory and must stay
   * inside the project root; anything else must be named by absolute path or URL.
   */
  bootstrap?: string | undefined;
  /** How long (ms) a worker's bootstrap may take (`Infinity`: no deadline). Default 30000. */
  bootstrapTimeout?: number | undefined;
  /** Names the bootstrap defines on `globalThis`, which inline functions may use. */
  globals?: string[] | undefined;
  /** Per-driver options, e.g. `{ "pool": { "maxTasksPerWorker": 100 } }`. */
  drivers?: Partial<Record<DriverName, Record<string, unknown>>> | undefined;
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
    'maxResultMb',
    'bootstrap',
    'bootstrapTimeout',
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
  if (input.maxResultMb !== undefined)
    out.maxResultMb = checkMaxResultMb(input.maxResultMb, `${file}: "maxResultMb"`);
  if (input.bootstrap !== undefined) {
    if (typeof input.bootstrap !== 'string' || input.bootstrap === '') {
      throw new TypeError(`${file}: "bootstrap" must be a path or URL string`);
    }
    out.bootstrap = configBootstrap(input.bootstrap, file);
  }
  if (input.bootstrapTimeout !== undefined) {
    out.bootstrapTimeout = checkBootstrapTimeout(input.bootstrapTimeout, `${file}: "bootstrapTimeout"`);
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
 * Resolves a config's `bootstrap` to an href: a URL as is, an absolute path as its file URL, a relative
 * path against the config's directory — which must stay inside the project root, so a config cannot
 * reach a module outside the project without saying so by absolute path.
 *
 * @example
 * ```ts
 * configBootstrap('./boot.mjs', '/app/isolane.config.json'); // 'file:///app/boot.mjs'
 * ```
 */
export function configBootstrap(value: string, file: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) || isAbsolute(value) || value.startsWith('/')) {
    return checkModuleHref(value, `${file}: "bootstrap"`);
  }
  const dir = dirname(file);
  const target = resolve(dir, value);
  const root = findProjectRoot(dir) ?? dir;
  const rel = relative(root, target);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new TypeError(
      `${file}: "bootstrap" "${value}" resolves to ${target}, outside the project root ${root}; name a module outside the project by absolute path or file: URL`,
    );
  }
  return pathToFileURL(target).href;
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
 * Normalizes a bootstrap option (URL, file URL string or absolute path) to an href, by driver-kit's
 * one rule for module references ({@link checkModuleHref}).
 *
 * @example
 * ```ts
 * checkBootstrap(new URL('./boot.js', import.meta.url), 'options.bootstrap');
 * ```
 */
export function checkBootstrap(value: unknown, label: string): string {
  return checkModuleHref(value, label);
}
