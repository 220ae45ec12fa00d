/**
 * `@isolane/cooperative`: tasks as async calls on the caller's event loop (at most `concurrency` at
 * once, first in first out), with the same snapshot and failure semantics as the isolated drivers.
 *
 * @example
 * ```ts
 * import { WaitGroup } from '@isolane/core';
 * await using wg = new WaitGroup({ driver: 'cooperative', concurrency: 16 });
 * ```
 */
export { CooperativeDriver, type CooperativeDriverOptions, createDriver } from './cooperative-driver.js';
