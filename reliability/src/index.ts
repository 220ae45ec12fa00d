/**
 * `@isolane/reliability`: shared pieces of the reliability checks (driver loading, leftovers census,
 * the bad-input case list). Private: the scripts and tests of this package are its only users.
 *
 * @example
 * ```ts
 * import { DRIVERS, createNamedDriver } from '@isolane/reliability';
 * for (const name of DRIVERS) await (await createNamedDriver(name, { concurrency: 2 })).close();
 * ```
 */
export {
  createNamedDriver,
  DRIVERS,
  isDriverName,
  type LocalDriverName,
  parseDriverList,
} from './drivers.js';
export { census, leftoversSince, type ProcessCensus, warmThreadPool } from './leftovers.js';
export { waitWithin } from './wait-within.js';
