/**
 * `@isolane/core`: one Go-style API over four isolation models.
 *
 * @example
 * ```ts
 * import { WaitGroup } from '@isolane/core';
 * await using wg = new WaitGroup({ driver: 'cooperative' });
 * wg.go((a: number, b: number) => a + b, 1, 2);
 * const [r] = await wg.wait(); // { ok: true, value: 3, ms: … }
 * ```
 */
export {
  CONFIG_ENV,
  CONFIG_FILES,
  CONFIG_WARNING_CODES,
  type ConfigChoice,
  clearConfigCache,
  DEFAULT_DRIVER,
  DRIVER_ENV,
  type DriverName,
  findConfigFile,
  findProjectRoot,
  type IsolaneConfig,
  KNOWN_DRIVERS,
  type LoadedConfig,
  loadConfig,
  PROJECT_ROOT_MARKERS,
} from './config.js';
export { type TaskContext, taskContext } from './context.js';
export type { Driver, DriverFactory, DriverSettings, Job, JobHandle, JobSink } from './driver.js';
export { isDriver } from './driver.js';
export {
  closeSharedDrivers,
  driverPackage,
  recycleSharedDrivers,
  registerDriver,
  sharedDriver,
} from './driver-registry.js';
export { CaptureError, type CaptureProblem, isCaptureError, isSpawnError, SpawnError } from './errors.js';
export {
  FAILURE_KINDS,
  type FailureKind,
  failureToError,
  isTaskFailure,
  makeFailure,
  type TaskFailure,
  toFailure,
} from './failure.js';
export {
  aggregateFailures,
  defer,
  deferred,
  map,
  onDeferredError,
  type ResultsOf,
  run,
  settle,
  type TaskAggregateError,
  type TaskEntry,
  type ValuesOf,
} from './helpers.js';
export { type CallerFrame, MESSAGE_WINDOW, PROGRESS_WINDOW, type TaskFrame } from './message-frames.js';
export { isOk, type Result } from './result.js';
export { shutdown, shutdownOnSignals } from './shutdown.js';
export { defineTask, type ModuleTask, moduleTaskSpec, type TaskSpec } from './task.js';
export { isTransfer, type Transfer, transfer } from './transfer.js';
export { type AnyTask, type Completion, WaitGroup, type WaitGroupOptions } from './wait-group.js';
