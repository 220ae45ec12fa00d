/**
 * Which driver a run uses, for display: the same precedence core applies (the `--driver` flag >
 * `ISOLANE_DRIVER` > `isolane.config.*` > the default), so the printed name is the one that ran.
 */
import { DEFAULT_DRIVER, DRIVER_ENV, type DriverName, KNOWN_DRIVERS, loadConfig } from '@isolane/core';

/**
 * Validates a driver name given on the command line.
 *
 * @example
 * ```ts
 * parseDriverName('pool'); // 'pool'
 * parseDriverName('pol');  // throws: --driver must be one of pool, thread, fork, cooperative, all
 * ```
 */
export function parseDriverName(value: string): DriverName | 'all' {
  if (value === 'all' || (KNOWN_DRIVERS as readonly string[]).includes(value))
    return value as DriverName | 'all';
  throw new TypeError(`--driver must be one of ${[...KNOWN_DRIVERS, 'all'].join(', ')}; got "${value}"`);
}

/**
 * The driver a WaitGroup created with `explicit` (or without a driver) will use from `cwd`.
 *
 * @example
 * ```ts
 * await effectiveDriver(undefined); // 'thread' when ISOLANE_DRIVER=thread
 * ```
 */
export async function effectiveDriver(
  explicit: DriverName | undefined,
  cwd: string = process.cwd(),
): Promise<DriverName> {
  if (explicit) return explicit;
  const env = process.env[DRIVER_ENV];
  if (env) return parseDriverName(env) as DriverName;
  const loaded = await loadConfig(cwd);
  return loaded?.config.driver ?? DEFAULT_DRIVER;
}
