/**
 * The pool's wire protocol as the parent sees it: each message a typed tuple over the tags of
 * protocol.ts, so the driver reads `m[1]` as an id and `m[2]` as a failure because the tag says so,
 * not because a cast does. Types only: nothing here exists at run time.
 */
import type { TaskFailure } from '@isolane/core/driver-kit';
import type { FrameFromWorker, FramesToWorker } from './channel-protocol.js';
import type {
  FROM_WORKER_BOUNCED,
  FROM_WORKER_EXITING,
  FROM_WORKER_FAIL,
  FROM_WORKER_FAIL_RUNNING,
  FROM_WORKER_OK,
  FROM_WORKER_READY,
  FROM_WORKER_RETIRE,
  FROM_WORKER_SKIPPED,
  FROM_WORKER_STRAY,
  SpecIntro,
  TO_WORKER_CANCEL,
  TO_WORKER_JOBS,
} from './protocol.js';

/** One job in a jobs message: its id, its task (a reference, or the spec the first time), its arguments. */
export type JobEntry = number | SpecIntro | readonly unknown[];

/**
 * A batch of jobs, flat: `[TO_WORKER_JOBS, id, taskRef, args, id, taskRef, args, …]`.
 *
 * @example
 * ```ts
 * const message: JobsMessage = [TO_WORKER_JOBS, 7, { ref: 0, spec }, [21]];
 * ```
 */
export type JobsMessage = [typeof TO_WORKER_JOBS, ...JobEntry[]];

/**
 * A message from the parent to a worker.
 *
 * @example
 * ```ts
 * worker.post([TO_WORKER_CANCEL, job.id] satisfies ToWorker);
 * ```
 */
export type ToWorker = JobsMessage | [typeof TO_WORKER_CANCEL, id: number] | FramesToWorker;

/**
 * A message from a worker to the parent, told apart by its first element.
 *
 * @example
 * ```ts
 * function onMessage(m: FromWorker): void {
 *   if (m[0] === FROM_WORKER_OK) settle(m[1], m[2], m[3]); // id, value, ms
 * }
 * ```
 */
export type FromWorker =
  | readonly [typeof FROM_WORKER_OK, id: number, value: unknown, ms: number]
  | readonly [typeof FROM_WORKER_FAIL, id: number, failure: TaskFailure, ms: number]
  | readonly [typeof FROM_WORKER_SKIPPED | typeof FROM_WORKER_BOUNCED, id: number]
  | readonly [typeof FROM_WORKER_FAIL_RUNNING | typeof FROM_WORKER_STRAY, id: number, failure: TaskFailure]
  | readonly [typeof FROM_WORKER_READY]
  | readonly [typeof FROM_WORKER_RETIRE, reason: string]
  | readonly [typeof FROM_WORKER_EXITING, id: number, code: number]
  | FrameFromWorker;
