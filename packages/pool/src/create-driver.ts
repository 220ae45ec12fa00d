/**
 * The factory behind `driver: 'pool'`: a WaitGroup that names the pool gets its driver from here, with
 * the options of the config file's `drivers.pool` or of the group's `driverOptions`.
 */
import type { Driver, DriverSettings } from '@isolane/core/driver-kit';
import { poolOptionsFromSettings } from './options.js';
import { PoolDriver } from './pool-driver.js';

/**
 * Factory used when a WaitGroup names `driver: 'pool'`. Recycling options come from `settings.options`
 * (the config file's `drivers.pool`, or the group's `driverOptions`).
 *
 * @example
 * ```ts
 * const driver = createDriver({ concurrency: 4, options: { maxTasksPerWorker: 1 } });
 * ```
 */
export function createDriver(settings: DriverSettings): Driver {
  return new PoolDriver(poolOptionsFromSettings(settings));
}
