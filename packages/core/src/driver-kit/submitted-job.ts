/**
 * A job as a driver received it from `Driver.start()`, with where its outcome goes and the id the
 * driver gave it: what fork's `TaskProcess` and thread's `TaskThread` (and any driver that runs one job
 * per worker) are handed.
 */
import type { Job, JobSink } from '../driver.js';

/**
 * A job, its sink and its id.
 *
 * @example
 * ```ts
 * let nextId = 0;
 * const submitted: SubmittedJob = { job, sink, id: ++nextId };
 * ```
 */
export interface SubmittedJob {
  readonly job: Job;
  readonly sink: JobSink;
  readonly id: number;
}
