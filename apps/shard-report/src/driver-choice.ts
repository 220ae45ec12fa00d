/**
 * Which driver a run uses, for display: core's own precedence (the `--driver` flag >
 * `ISOLANE_DRIVER` > `isolane.config.*` > the default), through driver-kit's `resolveDriverName`, so
 * the printed name is the one that ran.
 */
import { type DriverName, isDriverName, KNOWN_DRIVERS, resolveDriverName } from '@isolane/core/driver-kit';

/**
 * Validates a driver name given on the command line.
 *
 * @example
 * ```ts
 * parseDriverName('pool'); // 'pool'
 * parseDriverName('pol');  // throws: --driver must be one of pool, thread, fork, cooperative, queue, all
 * ```
 */
export function parseDriverName(value: string): DriverName | 'all' {
  if (value === 'all' || isDriverName(value)) return value;
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
  return resolveDriverName({ explicit, label: '--driver', cwd });
}
