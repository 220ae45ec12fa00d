/**
 * The pool's `lingerMs` bound: a worker must start each job it was sent within `lingerMs` of that job
 * becoming its head (the previous job answered, or the job went to an idle worker). One that does not
 * is stuck in code an earlier task left behind (a timer that spins, a long synchronous callback): it
 * is stopped without blaming anyone and the jobs it had not started go back to the pool, to run
 * elsewhere once (worker-death.ts). One lazy timer per worker keeps this off the hot path, where the
 * head changes every few microseconds: it is armed only when none is, and re-arms itself for the head
 * of the moment.
 */
import type { WorkerNoun } from '@isolane/core/driver-kit';
import type { DeadlineWorker } from './head-deadline.js';
import { JOB_DONE } from './pool-job.js';

/**
 * What the watch reads of its worker: what a head deadline reads, plus its noun; `stopFor` here moves
 * `target` and what is queued behind it to another worker.
 */
export interface WatchedWorker extends DeadlineWorker {
  readonly noun: WorkerNoun;
}

/**
 * Watches that a worker starts its jobs in time.
 *
 * @example
 * ```ts
 * const watch = new StartWatch(1_000, worker);
 * watch.headChanged(); // whenever a new job becomes the worker's head
 * ```
 */
export class StartWatch {
  readonly #bound: number;
  readonly #worker: WatchedWorker;
  #timer: NodeJS.Timeout | undefined;
  #stalled = false;
  readonly #check = (): void => this.#checkStart();

  /** @param bound - ms (`Infinity`: never checked). */
  constructor(bound: number, worker: WatchedWorker) {
    this.#bound = bound;
    this.#worker = worker;
  }

  /** The worker was stopped because it did not start its head job in time. */
  get stalled(): boolean {
    return this.#stalled;
  }

  /** A new job became the worker's head: make sure a check will look at it in time. */
  headChanged(): void {
    if (this.#timer === undefined && this.#bound !== Number.POSITIVE_INFINITY) this.#arm(this.#bound);
  }

  /** No more checks (the worker is being stopped). */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(this.#check, Math.max(1, Math.ceil(ms)));
    this.#timer.unref();
  }

  #checkStart(): void {
    this.#timer = undefined;
    const w = this.#worker;
    if (w.dying || w.dead) return;
    const j = w.head();
    // Idle, or an aborted head (its own grace deadline watches it): the next head re-arms the check.
    if (j === undefined || j.state === JOB_DONE) return;
    // Started: from now on only its own timeout (if any) bounds it.
    if (w.startedCount() >= j.seq) return;
    const waited = performance.now() - w.headSince();
    if (waited + 0.5 < this.#bound) {
      this.#arm(this.#bound - waited);
      return;
    }
    this.#stalled = true;
    process.emitWarning(
      `a pool ${w.noun} did not start its next task within ${this.#bound} ms (lingerMs): code an earlier task left behind keeps it busy. It was stopped; the tasks it had not started run on another worker.`,
      { code: 'ISOLANE_STALLED_WORKER' },
    );
    w.stopFor(j);
  }
}
