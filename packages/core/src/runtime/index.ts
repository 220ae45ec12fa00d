/**
 * `@isolane/core/runtime`: what driver entries (worker threads, child processes) use to run tasks.
 *
 * @example
 * ```ts
 * import { createRuntime } from '@isolane/core/runtime';
 * const runtime = createRuntime({ bootstrap: workerData.bootstrap });
 * parentPort.on('message', async (m) => parentPort.postMessage(await runtime.run(m.task, m.args)));
 * ```
 */
export { monotonicMs } from '../clock.js';
export { singleTaskStorage, type TaskStorage, type TaskStore, taskStorage } from '../context.js';
export { makeFailure, type TaskFailure, toFailure } from '../failure.js';
export {
  type CallerFrame,
  isFrameTag,
  MESSAGE_WINDOW,
  PROGRESS_ACK_BATCH,
  PROGRESS_WINDOW,
  type TaskFrame,
} from '../message-frames.js';
export { findUnportable } from '../portable.js';
export type { Result } from '../result.js';
export type { TaskSpec } from '../task.js';
export { runInProcessTree, trackChildProcesses } from './child-tracking.js';
export {
  atomicsStore,
  FunctionCtor,
  intervalClear,
  intervalEvery,
  isNativePromise,
  mapGet,
  mapHas,
  mapSet,
  microtask,
  objectPrototype,
  PromiseCtor,
  promiseThen,
  realProcess,
  reflectApply,
  setAdd,
  setDelete,
  timeoutLater,
  uncurryThis,
} from './intrinsics.js';
export {
  createOneTaskWorker,
  type OneTaskJob,
  type OneTaskMessage,
  type OneTaskRunOptions,
  type OneTaskWorker,
  type OneTaskWorkerOptions,
} from './one-task-worker.js';
export { openParentChannel, type ParentChannel, type ParentChannelOptions } from './parent-channel.js';
export { startParentWatchdog } from './parent-watchdog.js';
export {
  oversizedResult,
  postOutcome,
  type RuntimeTransport,
  resultOverLimit,
  unsendableResult,
} from './post-outcome.js';
export {
  compileInline,
  createRuntime,
  type OnResult,
  type RunOptions,
  type Runtime,
  type RuntimeOptions,
} from './runtime.js';
export { afterOutput, outputPending } from './stdio-flush.js';
export { TaskMessages } from './task-messages.js';
export { type Attribution, TaskPhase, type TaskPhaseName } from './task-phase.js';
