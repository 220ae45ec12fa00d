/**
 * http-fanout as a library: the server, the fan-out it performs, and the load measurement the docs'
 * table comes from.
 *
 * @example
 * ```ts
 * import { createFanoutServer } from '@isolane/app-http-fanout';
 * const app = createFanoutServer({ driver: 'pool' });
 * console.log(await app.listen(0));
 * ```
 */
export { type FanOutOptions, type PrimeReport, primeReport, type SegmentResult } from './fan-out.js';
export {
  CLOSE_GRACE_MS,
  createFanoutServer,
  type FanoutServer,
  type FanoutServerOptions,
  MAX_LIMIT,
  MAX_SEGMENTS,
} from './server.js';
export { countPrimes } from './tasks/count-primes.js';
