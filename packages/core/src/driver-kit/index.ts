/**
 * `@isolane/core/driver-kit`: parent-side helpers for driver authors — which of the parent's Node flags
 * workers inherit, starting worker threads with them, hooking TypeScript (tsx) into workers on Node
 * versions where loader hooks do not reach them, the numeric option checks every driver shares, and
 * the `permissions` option (Node's permission model) of the drivers that start worker processes.
 *
 * @example
 * ```ts
 * import { startWorkerThread, workerTsxHook } from '@isolane/core/driver-kit';
 * const worker = startWorkerThread(entry, { workerData: { tsx: workerTsxHook() } });
 * ```
 */
export { afterChildDrained } from './child-drain.js';
export { ChildGrants, type ChildLaunch, type GrantsOwner } from './child-grants.js';
export { inheritedFlags } from './inherited-flags.js';
export {
  checkConcurrencyOption,
  checkMemoryMb,
  checkNumberInRange,
  checkPrespawn,
  checkTimerMs,
  MAX_CONCURRENCY,
  MAX_MEMORY_LIMIT_MB,
  MAX_PRESPAWN,
  MAX_TIMER_MS,
  type RangeOptions,
} from './option-ranges.js';
export { type ParentDeathGuard, parentDeathGuard, pdeathsigLaunch } from './parent-death.js';
export { forgetOnParentExit, killOnParentExit } from './parent-exit.js';
export { baseReads, isReadable, moduleReads } from './permission-reads.js';
export {
  checkPermissions,
  permissionFlag,
  permissionFlags,
  type ResolvedWorkerPermissions,
  type WorkerPermissions,
} from './permissions.js';
export { checkWorkerEnv, type WorkerEnv, workerEnv } from './worker-env.js';
export {
  loaderSpecifiers,
  rejectedFlags,
  startWorkerThread,
  tsxHooksWorkers,
  workerTsxHook,
} from './worker-flags.js';
