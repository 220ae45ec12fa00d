/**
 * Stopping the jobs of slots an abort settled: a waiting job is removed from Redis (it never runs), a
 * running one is cancelled on its worker (the control channel). The stops of one turn go out together,
 * every removal before any cancel: a worker whose running job is cancelled takes its next job at once,
 * and it must not be a waiting one this abort is about to remove (it would start, and run to its end,
 * since its cancel went out before it started).
 */
import type { ProducerLink } from './producer-link.js';

/**
 * The stops gathered over one turn, for one driver.
 *
 * @example
 * ```ts
 * const cancels = new JobCancels(() => link);
 * cancels.add('17', ['17'], 'aborted by the caller'); // removed, or cancelled on its worker, after this turn
 * ```
 */
export class JobCancels {
  readonly #link: () => ProducerLink | undefined;
  #batch: Stop[] = [];

  /** `link`: the driver's connections now (none: nothing to stop). */
  constructor(link: () => ProducerLink | undefined) {
    this.#link = link;
  }

  /**
   * Stops job `job` after this turn, with every other job stopped in it: it is removed if it waits, and
   * its tasks `taskIds` are cancelled on the worker running them.
   */
  add(job: string, taskIds: readonly string[], reason: string): void {
    this.#push({ job, taskIds, reason });
  }

  /**
   * Stops one task of a bundle job whose other tasks go on: the job's data is rewritten from `previous`
   * to `next` (JSON text; the task marked cancelled, so a worker that takes the job later skips it), and
   * the task is cancelled on the worker running it.
   */
  addBundled(job: string, taskId: string, reason: string, previous: string, next: string): void {
    this.#push({ job, taskIds: [taskId], reason, rewrite: { previous, next } });
  }

  /**
   * Sends the stops gathered so far now, not after this turn: a closing driver calls it before it drops
   * its connections (after that, the stops of its last turn would find no link and be lost — the workers
   * would run the closed driver's jobs to their end).
   */
  flush(): Promise<void> {
    return this.#flush();
  }

  #push(stop: Stop): void {
    if (!this.#link()) return;
    this.#batch.push(stop);
    if (this.#batch.length === 1) queueMicrotask(() => void this.#flush());
  }

  async #flush(): Promise<void> {
    const link = this.#link();
    const batch = this.#batch;
    this.#batch = [];
    if (!link || batch.length === 0) return;
    await Promise.all(
      batch.map((s) =>
        s.rewrite === undefined
          ? link.remove(s.job)
          : link.rewriteData(s.job, s.rewrite.previous, s.rewrite.next).catch(() => {}),
      ),
    );
    await Promise.all(batch.flatMap((s) => s.taskIds.map((id) => link.cancel(id, s.reason).catch(() => {}))));
  }
}

/** One stop: a job removed (or one of its tasks rewritten as cancelled), its tasks cancelled. */
interface Stop {
  readonly job: string;
  readonly taskIds: readonly string[];
  readonly reason: string;
  readonly rewrite?: { readonly previous: string; readonly next: string };
}
