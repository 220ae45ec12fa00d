/**
 * `@isolane/core/task`: the light entry for task modules. A worker that imports a task module pays for
 * everything that module imports; this entry holds only what a task needs (defineTask, transfer,
 * taskContext), without the parser used for capture checking, so a cold worker starts fast.
 *
 * @example
 * ```ts
 * // tasks.ts — imported by workers
 * import { defineTask, taskContext } from '@isolane/core/task';
 * export const fetchStatus = defineTask(import.meta.url, 'fetchStatus', async (url: string) =>
 *   (await fetch(url, { signal: taskContext().signal })).status);
 * ```
 */
export { type TaskContext, taskContext } from './context.js';
export { CaptureError, isCaptureError, isSpawnError, SpawnError } from './errors.js';
export { type FailureKind, makeFailure, type TaskFailure } from './failure.js';
export { MESSAGE_WINDOW, PROGRESS_WINDOW } from './message-frames.js';
export type { Result } from './result.js';
export { defineTask, type ModuleTask, type TaskSpec } from './task.js';
export { isTransfer, type Transfer, transfer } from './transfer.js';
