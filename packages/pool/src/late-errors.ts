/**
 * Where a task's late errors go: an error a task causes after it settled (a timer it left behind
 * throws, it calls `process.exit()` later) belongs to that task's group, never to the task running
 * now. The pool remembers the sinks of the most recently settled jobs in a fixed ring, so routing costs
 * no allocation per job; an error of a job too old to be remembered, or raised outside any task before
 * any task ran, becomes a process warning.
 */
import type { JobSink, TaskFailure } from '@isolane/core/driver-kit';
import type { PoolJob } from './pool-job.js';

/** How many settled jobs are remembered, so a late error can still reach its own group. */
const ROUTES = 4096;

/**
 * The routes of a pool's late errors.
 *
 * @example
 * ```ts
 * const routes = new LateErrors();
 * routes.remember(job);                         // when it settles
 * routes.report(worker.lastId, job.id, failure); // later: goes to job.sink.stray(failure)
 * ```
 */
export class LateErrors {
  readonly #sinks: (JobSink | undefined)[] = new Array(ROUTES);
  readonly #ids: number[] = new Array(ROUTES).fill(-1);

  /** Remembers where a settled job's late errors go. */
  remember(j: PoolJob): void {
    const slot = j.id % ROUTES;
    this.#ids[slot] = j.id;
    this.#sinks[slot] = j.sink;
  }

  /**
   * A late error of job `id`; -1: raised outside any task in a worker whose last answered job was
   * `lastId` (it is reported on that job, saying so).
   */
  report(lastId: number, id: number, failure: TaskFailure): void {
    let target = id;
    let reported = failure;
    if (id < 0) {
      target = lastId;
      reported = {
        ...failure,
        message: `${failure.message} (raised outside any task, e.g. by the bootstrap; reported on the last task that ran in this worker)`,
      };
    }
    const slot = target >= 0 ? target % ROUTES : -1;
    if (slot >= 0 && this.#ids[slot] === target) {
      this.#sinks[slot]!.stray(reported);
      return;
    }
    process.emitWarning(
      `a pool task failed after it settled and its group is no longer known: ${reported.name}: ${reported.message}`,
      { code: 'ISOLANE_STRAY', detail: reported.stack },
    );
  }
}
