/**
 * The pool's wire tags for a running task's two-way messages (issue 18), next to the job tags of
 * protocol.ts (whose numbers these continue, so a tag is never read as another). The frames themselves
 * are core's (`TaskFrame`, `CallerFrame`: a message, a progress value, credits), carried unchanged; the
 * pool only adds the id of the job they belong to. A worker runs one job at a time, and a frame for a
 * job that is no longer the one running is dropped on either side.
 *
 * - worker → parent: `[FROM_WORKER_FRAME, id, frame]`, or a batch of task messages
 *   `[FROM_WORKER_FRAME, id, MESSAGE_VALUES, value, value, …]` (the values of `{ t: 'msg', v }` frames, in
 *   order: a number where a frame object would be marks it; see worker-frames.ts);
 * - parent → worker: `[TO_WORKER_FRAMES, id, frame, frame, …]` (more than one when they were kept while
 *   the job waited to start; in the order the caller sent them).
 */
import type { CallerFrame, TaskFrame } from '@isolane/core/driver-kit';

/** Worker → parent: `[FROM_WORKER_FRAME, id, frame, …]` — frames of the task running job `id`, in order. */
export const FROM_WORKER_FRAME = 9;
/**
 * In place of the first frame of a `FROM_WORKER_FRAME` message: the rest are the values of task messages
 * (a batch costs one object less per message to send than frames would).
 */
export const MESSAGE_VALUES = 0;
/** Parent → worker: `[TO_WORKER_FRAMES, id, frame, …]` — caller frames for job `id`, in order. */
export const TO_WORKER_FRAMES = 2;

/**
 * A task's frame as the parent reads it (its frame not checked yet: see `taskFrameProblem`).
 *
 * @example
 * ```ts
 * const m: FrameFromWorker = [FROM_WORKER_FRAME, 7, { t: 'msg', v: 'a' }, { t: 'progress', v: 0.5 }];
 * ```
 */
export type FrameFromWorker =
  | readonly [typeof FROM_WORKER_FRAME, id: number, ...frames: TaskFrame[]]
  | readonly [typeof FROM_WORKER_FRAME, id: number, marker: typeof MESSAGE_VALUES, ...values: unknown[]];

/**
 * Caller frames as a worker reads them.
 *
 * @example
 * ```ts
 * const m: FramesToWorker = [TO_WORKER_FRAMES, 7, { t: 'msg', v: 'more' }, { t: 'credit', n: 16 }];
 * ```
 */
export type FramesToWorker = [typeof TO_WORKER_FRAMES, id: number, ...frames: CallerFrame[]];
