/**
 * The deadline of the job a pool worker runs or runs next (its head): its timeout, counted from when it
 * became the head, or the grace an aborted job gets to be skipped. One timer per worker, re-armed only
 * when a deadline comes earlier than the one it waits for. When it passes, the worker's start counter
 * decides: the job started and still runs — it fails by its timeout and the worker is stopped; it
 * finished in time and its answer is on its way — a little more patience; it never started — the worker
 * is stuck before it (code an earlier task left behind) and is stopped, the job moves elsewhere.
 */
import { type TaskFailure, timeoutFailure } from '@isolane/core/driver-kit';
import { JOB_DONE, type PoolJob } from './pool-job.js';

/** How long an aborted job may stay at the head of a worker before the worker is stopped. */
export const ABORT_GRACE_MS = 50;
/**
 * How long past its deadline the head's answer may stay on its way once the worker counts it as done:
 * beyond it, the worker is stuck after the job (or its counter lies) and is stopped.
 */
const ANSWER_GRACE_MS = 1_000;

/** What a deadline needs of its worker. */
export interface DeadlineWorker {
  readonly dying: boolean;
  readonly dead: boolean;
  /** The job it runs or runs next. */
  head(): PoolJob | undefined;
  /** When the head became the head (performance.now()). */
  headSince(): number;
  /** How many jobs it has started (the last started job's `seq`). */
  startedCount(): number;
  /** Stops it to end `target`'s work; what had not started yet is retried once it is gone. */
  stopFor(target: PoolJob): void;
}

/**
 * The head deadline of one worker.
 *
 * @example
 * ```ts
 * const deadline = new HeadDeadline(worker);
 * deadline.headChanged(job, performance.now()); // arms job.timeout, if any
 * ```
 */
export class HeadDeadline {
  readonly #worker: DeadlineWorker;
  /** The head job's deadline (performance.now() ms), 0 for none. */
  #deadline = 0;
  #timer: NodeJS.Timeout | undefined = undefined;
  #timerAt = 0;
  #overdue: PoolJob | undefined = undefined;
  readonly #onDeadline = (): void => this.#reached();

  constructor(worker: DeadlineWorker) {
    this.#worker = worker;
  }

  /**
   * A job whose timeout passed before the worker said it had started it (a process's start marker may
   * still be on its way): if the death shows it had started, it failed by its timeout.
   */
  get overdue(): PoolJob | undefined {
    return this.#overdue;
  }

  /** `j` is now the head: its timeout (or, aborted already, the grace to skip it) starts counting. */
  headChanged(j: PoolJob, now: number): void {
    let deadline = 0;
    if (j.state === JOB_DONE)
      deadline = now + ABORT_GRACE_MS; // aborted before the worker could skip it
    else if (j.timeout > 0) deadline = now + j.timeout;
    this.arm(deadline, now);
  }

  /** The worker has no head any more. */
  clearDeadline(): void {
    this.#deadline = 0;
  }

  /** The head's deadline is now `deadline` (0: none). */
  arm(deadline: number, now: number): void {
    this.#deadline = deadline;
    if (deadline === 0) return;
    if (this.#timer === undefined || this.#timerAt > deadline) {
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#setTimer(deadline, now);
    }
  }

  /** No more deadlines (the worker is being stopped, or died). */
  stop(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #setTimer(at: number, now: number): void {
    this.#timerAt = at;
    this.#timer = setTimeout(this.#onDeadline, Math.max(1, Math.ceil(at - now)));
    this.#timer.unref();
  }

  #reached(): void {
    this.#timer = undefined;
    const w = this.#worker;
    const j = w.head();
    if (j === undefined || this.#deadline === 0 || w.dying || w.dead) return;
    const now = performance.now();
    if (now + 0.5 < this.#deadline) {
      this.#setTimer(this.#deadline, now);
      return;
    }
    const started = w.startedCount();
    if (started > j.seq && now - this.#deadline < ANSWER_GRACE_MS) {
      // It finished in time and the worker moved on; its answer is on the way.
      this.#setTimer(now + 5, now);
      return;
    }
    if (j.state !== JOB_DONE && started === j.seq) {
      const failure: TaskFailure = timeoutFailure(j.timeout);
      j.fail(failure, now - w.headSince());
    } else if (j.state !== JOB_DONE) {
      // A process's start marker may still be on its way: its death tells whether `j` had started.
      this.#overdue = j;
    }
    // Either its time is up, or the worker is stuck before it (code left behind by an earlier task):
    // stop it; what did not start yet moves to another worker.
    w.stopFor(j);
  }
}
