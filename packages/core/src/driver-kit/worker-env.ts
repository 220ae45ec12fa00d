/**
 * The `env` option of the out-of-process drivers (fork, thread, pool): which environment variables a
 * worker sees. `'inherit'` (the default) gives it the parent's whole environment, secrets included; an
 * array of names gives it only those (read from the parent when the worker starts); an object gives it
 * exactly that environment.
 */

import { readProperty } from '../printable.js';
import { describeValue } from './describe-value.js';
import { markedEnv } from './process-tree.js';

/**
 * What a driver's `env` option accepts.
 *
 * @example
 * ```ts
 * const env: WorkerEnv = ['PATH', 'TZ']; // or 'inherit', or { NODE_ENV: 'production' }
 * ```
 */
export type WorkerEnv = 'inherit' | readonly string[] | Readonly<Record<string, string>>;

/** A name a variable can have on every platform Node runs on: not empty, no `=`, no NUL. */
function checkName(name: unknown, label: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('=') || name.includes('\0')) {
    throw new TypeError(
      `${label} must be a non-empty environment variable name without "=" or NUL, got ${describe(name)}`,
    );
  }
  return name;
}

/**
 * Validates an `env` option and returns a frozen copy (later changes to the caller's array or object
 * do not reach the workers).
 *
 * @example
 * ```ts
 * checkWorkerEnv(['PATH'], 'options.env'); // ['PATH']
 * checkWorkerEnv({ N: 1 }, 'options.env'); // TypeError: options.env.N must be a string, got 1
 * checkWorkerEnv('none', 'options.env');   // TypeError naming options.env and what it accepts
 * ```
 */
export function checkWorkerEnv(value: unknown, label: string): WorkerEnv {
  if (value === 'inherit') return 'inherit';
  if (Array.isArray(value)) {
    const names = new Set<string>();
    value.forEach((name, i) => {
      names.add(checkName(name, `${label}[${i}]`));
    });
    return Object.freeze([...names]);
  }
  if (typeof value === 'object' && value !== null) {
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      const out: Record<string, string> = {};
      for (const [name, v] of Object.entries(value)) {
        checkName(name, `${label} key ${JSON.stringify(name)}`);
        if (typeof v !== 'string') {
          throw new TypeError(`${label}.${name} must be a string, got ${describe(v)}`);
        }
        out[name] = v;
      }
      return Object.freeze(out);
    }
  }
  throw new TypeError(
    `${label} must be 'inherit', an array of variable names (an allow-list) or an object of string values, got ${describe(value)}`,
  );
}

/**
 * The environment to start a worker with: `undefined` for `'inherit'` (the platform default: the
 * parent's environment), else a fresh object — for an allow-list, the listed variables the parent has
 * right now.
 *
 * @example
 * ```ts
 * workerEnv(['HOME'], { HOME: '/home/a', API_KEY: 's3cret' }); // { HOME: '/home/a' }
 * workerEnv('inherit'); // undefined
 * ```
 */
export function workerEnv(
  option: WorkerEnv,
  from: NodeJS.ProcessEnv = process.env,
): Record<string, string> | undefined {
  if (option === 'inherit') return undefined;
  if (Array.isArray(option)) {
    const out: Record<string, string> = {};
    for (const name of option as readonly string[]) {
      const v = from[name];
      if (v !== undefined) out[name] = v;
    }
    return out;
  }
  return { ...(option as Readonly<Record<string, string>>) };
}

/**
 * The environment to start a worker with, carrying its process-tree `marker` (see process-tree.ts):
 * for `'inherit'` this process's environment now, else what {@link workerEnv} gives, plus
 * `ISOLANE_TREE`. Always an object: the marker must be there whatever the option says.
 *
 * @example
 * ```ts
 * markedWorkerEnv(['HOME'], newTreeMarker()); // { HOME: '/home/a', ISOLANE_TREE: '4242.9f1c2a7b3e00.1' }
 * ```
 */
export function markedWorkerEnv(
  option: WorkerEnv,
  marker: string,
  from: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  return markedEnv(option === 'inherit' ? from : workerEnv(option, from), marker);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (typeof value === 'object') {
    // Never throws: a revoked Proxy or a throwing `constructor` getter is still described.
    if (describeValue(value) === 'an array') return 'an array';
    const name = readProperty(readProperty(value, 'constructor'), 'name');
    return `an instance of ${typeof name === 'string' && name ? name : 'an unknown class'}`;
  }
  return typeof value;
}
