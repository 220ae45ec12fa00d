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
 * cancels.add('17', 'aborted by the caller'); // removed, or cancelled on its worker, after this turn
 * ```
 */
export class JobCancels {
  readonly #link: () => ProducerLink | undefined;
  #batch: [id: string, reason: string][] = [];

  /** `link`: the driver's connections now (none: nothing to stop). */
  constructor(link: () => ProducerLink | undefined) {
    this.#link = link;
  }

  /** Stops job `id` after this turn, with every other job stopped in it. */
  add(id: string, reason: string): void {
    if (!this.#link()) return;
    this.#batch.push([id, reason]);
    if (this.#batch.length === 1) queueMicrotask(() => void this.#flush());
  }

  /**
   * Sends the stops gathered so far now, not after this turn: a closing driver calls it before it drops
   * its connections (after that, the stops of its last turn would find no link and be lost — the workers
   * would run the closed driver's jobs to their end).
   */
  flush(): Promise<void> {
    return this.#flush();
  }

  async #flush(): Promise<void> {
    const link = this.#link();
    const batch = this.#batch;
    this.#batch = [];
    if (!link || batch.length === 0) return;
    await Promise.all(batch.map(([id]) => link.remove(id)));
    await Promise.all(batch.map(([id, reason]) => link.cancel(id, reason).catch(() => {})));
  }
}
