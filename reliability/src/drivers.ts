/**
 * The four local drivers, loaded by name by core's own loader, so every reliability check covers
 * each model with the same code. Loading is lazy (a dynamic import) so a check of one driver never
 * pays for the others. The `queue` driver is not among them: it needs a Redis server and worker
 * processes, and its own package's tests (conformance, faults, 10,000 tasks) cover it.
 */
import type { Driver, DriverSettings } from '@isolane/core';
import { createDriverByName, LOCAL_DRIVERS, type LocalDriverName } from '@isolane/core/driver-kit';

export type { LocalDriverName };

/** Every local driver (core's `LOCAL_DRIVERS`), in the order the checks report them. */
export const DRIVERS: readonly LocalDriverName[] = ['cooperative', 'pool', 'thread', 'fork'];

/** True for a local driver name. */
export function isDriverName(value: string): value is LocalDriverName {
  return (LOCAL_DRIVERS as readonly string[]).includes(value);
}

/**
 * Creates a private driver instance of a shipped model (the caller closes it).
 *
 * @example
 * ```ts
 * const driver = await createNamedDriver('thread', { concurrency: 2 });
 * await driver.close();
 * ```
 */
export function createNamedDriver(name: LocalDriverName, settings: DriverSettings): Promise<Driver> {
  return createDriverByName(name, settings, { from: import.meta.url });
}

/**
 * Parses a `--drivers a,b` style list (default: every driver), rejecting unknown names.
 *
 * @example
 * ```ts
 * parseDriverList('pool,fork'); // ['pool', 'fork']
 * ```
 */
export function parseDriverList(list: string | undefined): LocalDriverName[] {
  if (list === undefined || list === '') return [...DRIVERS];
  const names = list.split(',').map((s) => s.trim());
  for (const name of names) {
    if (name === 'queue') {
      throw new TypeError(
        'driver "queue" is not run by the reliability scripts (it needs Redis and worker processes; @isolane/queue\'s own tests cover it)',
      );
    }
    if (!isDriverName(name)) {
      throw new TypeError(`unknown driver "${name}" (known: ${DRIVERS.join(', ')})`);
    }
  }
  return names as LocalDriverName[];
}
