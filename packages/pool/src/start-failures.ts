/**
 * Workers that die before they are ready (a bootstrap that throws, does not load in time, or a worker
 * that cannot start at all): the pool must neither respawn them for ever nor leave the jobs waiting for
 * them hanging. This keeps the count of such deaths in a row and decides, at each, which waiting jobs
 * fail: with no worker left to serve them, all of them (a start failure), or — for a bootstrap that
 * timed out — those that waited for that worker the whole deadline.
 */
import { bootstrapTimeoutFailure, type JobQueue } from '@isolane/core/driver-kit';
import type { PoolJob } from './pool-job.js';
import { startFailure } from './worker-death.js';
import type { WorkerState } from './worker-state.js';

/** Deaths before ready, in a row, past which a pool with a serving worker stops starting new ones. */
const MAX_IN_A_ROW = 3;

/**
 * The start failures of one pool.
 *
 * @example
 * ```ts
 * const starts = new StartFailures();
 * starts.exited(worker, code, queue, workers, { bootstrap, bootstrapTimeout }); // from the exit event
 * if (starts.holdGrowth(live)) return; // do not start yet another worker
 * ```
 */
export class StartFailures {
  #inARow = 0;

  /** Workers keep dying before they are ready while another one serves: let that one serve. */
  holdGrowth(live: number): boolean {
    return this.#inARow >= MAX_IN_A_ROW && live > 0;
  }

  /** A worker became ready: the run of failures is over. */
  ready(): void {
    this.#inARow = 0;
  }

  /**
   * `w` has exited (the pool is not closing; `workers` no longer holds it). If it was not ready, and
   * not stopped on purpose, it counts, and the jobs in `queue` that no worker can serve now fail.
   */
  exited(
    w: WorkerState,
    code: number,
    queue: JobQueue<PoolJob>,
    workers: readonly WorkerState[],
    options: { readonly bootstrap: string | undefined; readonly bootstrapTimeout: number },
  ): void {
    if (w.ready) return;
    if (w.bootTimedOut) {
      this.#inARow++;
      // Its bootstrap did not load in time. While no worker is ready to serve, the jobs that were
      // waiting when it started — they waited for it all that time — fail now; those that came later
      // wait for a new worker, so each job waits for at least one whole deadline.
      if (!workers.some((other) => other.ready && !other.dead && !other.dying)) {
        const failure = bootstrapTimeoutFailure(options.bootstrap, options.bootstrapTimeout);
        const later: PoolJob[] = [];
        for (const j of queue.drain()) {
          if (j.id < w.jobsBefore) j.fail(failure, 0);
          else later.push(j);
        }
        queue.unshiftAll(later);
      }
    } else if (!w.dying) {
      this.#inARow++;
      // A worker died before its bootstrap loaded. If no worker can serve, the waiting jobs fail.
      if (!workers.some((other) => !other.dead && !other.dying)) {
        const failure = startFailure(w, code, options.bootstrap);
        for (const j of queue.drain()) j.fail(failure, 0);
      }
    }
  }
}
