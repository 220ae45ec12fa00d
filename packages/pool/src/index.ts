/**
 * `@isolane/pool`: warm, reusable worker threads — the fastest way to run many small tasks off the main
 * thread — or warm child processes (`runtime: 'process'`), with the same failure semantics as the
 * fresh-isolate drivers.
 *
 * @example
 * ```ts
 * import { WaitGroup } from '@isolane/core';
 * await using wg = new WaitGroup({ driver: 'pool', concurrency: 4 });
 * wg.go((n: number) => n * 2, 21);
 * const [r] = await wg.wait(); // { ok: true, value: 42, ms: … }
 * // Warm child processes instead of threads:
 * new WaitGroup({ driver: 'pool', driverOptions: { runtime: 'process' } });
 * ```
 */

export { createDriver } from './create-driver.js';
export type { PoolDriverOptions, PoolRecycleOptions } from './options.js';
export { PoolDriver } from './pool-driver.js';
export type { PoolOutput, PoolProcessOptions, PoolRuntime, PoolStdio } from './process-options.js';
