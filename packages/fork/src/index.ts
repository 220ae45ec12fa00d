/**
 * `@isolane/fork`: every task in a fresh Node child process (`child_process.fork`, IPC with advanced serialization),
 * so a task that throws, exits, crashes, runs out of memory or loops forever fails only its own slot.
 *
 * @example
 * ```ts
 * import { WaitGroup } from '@isolane/core';
 * await using wg = new WaitGroup({ driver: 'fork', timeout: 5_000, driverOptions: { prespawn: 2 } });
 * ```
 */
export { createDriver, ForkDriver, type ForkJobHandle } from './fork-driver.js';
export type {
  ForkDriverOptions,
  ForkOptions,
  ForkOutput,
  ForkStdio,
  ResolvedForkOptions,
} from './fork-options.js';
export {
  type ForkPermissions,
  permissionFlag,
  type ResolvedForkPermissions,
} from './permissions.js';
