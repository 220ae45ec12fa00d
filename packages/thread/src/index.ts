/**
 * `@isolane/thread`: every task in a fresh worker thread (its own heap and event loop), so whatever a
 * task does to its thread fails its own slot only. This is fault isolation, not a sandbox: a task still
 * shares the process (file descriptors, environment, native memory) and must be trusted code.
 *
 * @example
 * ```ts
 * import { WaitGroup } from '@isolane/core';
 * await using wg = new WaitGroup({ driver: 'thread', timeout: 5_000, driverOptions: { prespawn: 2 } });
 * wg.go((a: number, b: number) => a + b, 1, 2);
 * const [r] = await wg.wait(); // { ok: true, value: 3, ms: … }
 * ```
 */
export {
  DEFAULT_LINGER_MS,
  type ResolvedThreadOptions,
  type ThreadDriverExtraOptions,
  type ThreadDriverOptions,
} from './options.js';
export { createDriver, ThreadDriver } from './thread-driver.js';
