/**
 * `@isolane/core/driver-kit`: parent-side helpers for driver authors — which of the parent's Node flags
 * workers inherit, starting worker threads with them, and hooking TypeScript (tsx) into workers on Node
 * versions where loader hooks do not reach them.
 *
 * @example
 * ```ts
 * import { startWorkerThread, workerTsxHook } from '@isolane/core/driver-kit';
 * const worker = startWorkerThread(entry, { workerData: { tsx: workerTsxHook() } });
 * ```
 */
export { inheritedFlags } from './inherited-flags.js';
export {
  loaderSpecifiers,
  rejectedFlags,
  startWorkerThread,
  tsxHooksWorkers,
  workerTsxHook,
} from './worker-flags.js';
