/**
 * `@isolane/core/driver-kit`: the one door for driver authors — the failures a driver makes itself
 * (closed, timeout, out of memory, crashed, unsendable arguments) with one wording each, the FIFO job
 * queue with its concurrency gate, the scheduler of drivers that give every task a runner of its own
 * (`PerTaskScheduler`), one checker per shared option (the same rule for `WaitGroup`, the
 * config file and every driver), which of the parent's Node flags workers inherit, starting worker
 * threads with them, hooking TypeScript (tsx) into workers on Node versions where loader hooks do not
 * reach them, the `permissions` option of the drivers that start worker processes, and drivers by
 * name (`resolveDriverName`, `loadDriverFactory`) for tools. It also re-exports the driver contract
 * and the failure primitives, so a driver needs nothing from the user-facing root entry.
 *
 * @example
 * ```ts
 * import { startWorkerThread, workerTsxHook } from '@isolane/core/driver-kit';
 * const worker = startWorkerThread(entry, { workerData: { tsx: workerTsxHook() } });
 * ```
 */
// The driver contract and the failure primitives, so a driver package needs nothing from the
// user-facing root entry.
export { DEFAULT_DRIVER, DRIVER_ENV } from '../config.js';
export { type DriverName, KNOWN_DRIVERS } from '../config-fields.js';
export type { Driver, DriverFactory, DriverSettings, Job, JobHandle, JobSink } from '../driver.js';
export {
  type DriverLookup,
  driverPackage,
  loadDriverFactory,
  loadDriverModule,
  resolveDriverPackage,
} from '../driver-registry.js';
export { type FailureKind, makeFailure, type TaskFailure, toFailure } from '../failure.js';
export {
  type CallerFrame,
  isFrameTag,
  MESSAGE_WINDOW,
  PROGRESS_ACK_BATCH,
  PROGRESS_WINDOW,
  type TaskFrame,
} from '../message-frames.js';
export type { Result } from '../result.js';
export type { TaskSpec } from '../task.js';
export {
  CHANNEL_FDS,
  ChildChannel,
  type ChildChannelOptions,
  channelStdio,
} from './child-channel.js';
export { afterChildDrained } from './child-drain.js';
export { ChildGrants, type ChildLaunch, type GrantsOwner } from './child-grants.js';
export { ChildOutput, type ChildStdioMode, childStdoutSpec } from './child-output.js';
export { describeValue } from './describe-value.js';
export {
  createDriverByName,
  type DriverChoice,
  isDriverName,
  LOCAL_DRIVERS,
  type LocalDriverName,
  resolveDriverName,
} from './driver-by-name.js';
export {
  bootstrapTimeoutFailure,
  channelCorruptedFailure,
  closedFailure,
  crashedAfterResultFailure,
  crashedFailure,
  type DeathDetails,
  describeExit,
  type ExitStatus,
  type OomDetails,
  oomFailure,
  stderrTail,
  timeoutFailure,
  unsendableArgsFailure,
  type WorkerNoun,
} from './failures.js';
export {
  FRAME_KEY_BYTES,
  FrameReader,
  type FrameReaderOptions,
  MAX_FRAME_BYTES,
} from './frame-reader.js';
export { hostHeapFlagMb, withOwnHeapLimit } from './heap-flag.js';
export { inheritedFlags } from './inherited-flags.js';
export { JobQueue } from './job-queue.js';
export { LineForward, MAX_HELD_LINE_BYTES } from './line-forward.js';
export { checkModuleHref } from './module-href.js';
export { refuseMovedPorts } from './moved-ports.js';
export {
  checkBootstrapTimeout,
  checkConcurrency,
  /** @deprecated the same checker as {@link checkConcurrency}, under its former name. */
  checkConcurrency as checkConcurrencyOption,
  checkGlobals,
  checkMaxResultMb,
  checkMemoryLimit,
  checkTimeout,
  DEFAULT_BOOTSTRAP_TIMEOUT_MS,
  MIN_MEMORY_LIMIT_MB,
} from './option-checks.js';
export {
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
export { forwardOutput } from './output-forward.js';
export { type ParentDeathGuard, parentDeathGuard, pdeathsigLaunch } from './parent-death.js';
export { forgetOnParentExit, killOnParentExit } from './parent-exit.js';
export {
  type PerTaskJobHandle,
  type PerTaskRunner,
  PerTaskScheduler,
  type PerTaskSchedulerOptions,
} from './per-task-scheduler.js';
export { baseReads, isReadable, moduleReads } from './permission-reads.js';
export {
  checkPermissions,
  permissionFlag,
  permissionFlags,
  type ResolvedWorkerPermissions,
  type WorkerPermissions,
} from './permissions.js';
export {
  endProcessTree,
  killHostTreesNow,
  markedEnv,
  markedPids,
  newTreeMarker,
  TREE_GRACE_MS,
} from './process-tree.js';
export { RecentModules } from './recent-modules.js';
export { processRssBytes, RSS_SAMPLE_MS, rssLimitFailure, watchRss } from './rss-watch.js';
export type { SubmittedJob } from './submitted-job.js';
export { TREE_VAR, withTreeMarker } from './tree-marker.js';
export {
  describeShape,
  failureShapeProblem,
  isResultShape,
  resultShapeProblem,
  taskFrameProblem,
} from './wire-shapes.js';
export { checkWorkerEnv, markedWorkerEnv, type WorkerEnv, workerEnv } from './worker-env.js';
export {
  loaderSpecifiers,
  rejectedFlags,
  startWorkerThread,
  tsxHooksWorkers,
  workerTsxHook,
} from './worker-flags.js';
