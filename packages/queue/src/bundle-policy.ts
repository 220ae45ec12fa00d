/**
 * When several tasks travel in one BullMQ job. A job costs the producer, Redis and the worker about half
 * a millisecond of CPU (two Lua scripts, four events, a lock, the worker's bookkeeping) whatever it
 * carries: for tasks that run in microseconds, that is nearly all of the work. While the running average
 * of task run times is short, a batch of go()s added together is split into bundles of up to
 * `maxTasksPerJob` tasks — each still its own task on the worker, with its own result, timeout, abort,
 * messages and started mark; only the trip through Redis is shared. Long or unknown tasks travel alone,
 * so work is never piled onto one worker while another is free.
 */

/** A task shorter than this (ms, running average) may share its job. */
export const BUNDLE_TASK_MS = 0.5;
/** About this much work (ms, by the running average) goes into one bundle. */
const BUNDLE_WORK_MS = 2;
/** A batch is split into at least this many jobs, so several workers share it. */
const MIN_JOBS_PER_BATCH = 4;
/** Weight of the latest run time in the running average. */
const WEIGHT = 0.1;

/**
 * The bundling decision of one driver.
 *
 * @example
 * ```ts
 * const policy = new BundlePolicy(16);
 * policy.record(0.02);      // a task ran 20 µs
 * policy.split([a, b, c, d, e, f, g, h]); // [[a, b], [c, d], [e, f], [g, h]]
 * ```
 */
export class BundlePolicy {
  readonly #max: number;
  /** Running average of task run times, ms (-1 until the first). */
  #avgMs = -1;

  /** `max`: the most tasks one job may carry (1: every task alone). */
  constructor(max: number) {
    this.#max = max;
  }

  /** A task ran `ms` (on its worker). */
  record(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.#avgMs = this.#avgMs < 0 ? ms : this.#avgMs + (ms - this.#avgMs) * WEIGHT;
  }

  /** The most tasks one job of a batch of `n` carries now. */
  size(n: number): number {
    if (this.#max <= 1 || this.#avgMs < 0 || this.#avgMs >= BUNDLE_TASK_MS) return 1;
    const byWork = Math.floor(BUNDLE_WORK_MS / Math.max(this.#avgMs, 0.01));
    const bySpread = Math.floor(n / MIN_JOBS_PER_BATCH);
    return Math.max(1, Math.min(this.#max, byWork, bySpread));
  }

  /** Splits a batch, in order, into the jobs that carry it. */
  split<T>(batch: readonly T[]): T[][] {
    const size = this.size(batch.length);
    const jobs: T[][] = [];
    for (let i = 0; i < batch.length; i += size) jobs.push(batch.slice(i, i + size));
    return jobs;
  }
}
