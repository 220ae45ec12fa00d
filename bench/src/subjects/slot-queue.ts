/**
 * The smallest concurrency gate for the raw baselines: a job starts synchronously when a slot is free
 * (so the message carrying its argument is posted inside `run()`), otherwise it waits its turn. p-limit
 * would defer even a free start to a later tick, which a hand-written baseline has no reason to do. The
 * queue and its gate are core's `JobQueue`, the one the drivers use; this adds only the `done` callback.
 */
import { JobQueue } from '@isolane/core/driver-kit';

type SlotJob = (done: () => void) => void;

/** Starts jobs up to a limit; `start` must call `done` exactly once. */
export class SlotQueue {
  readonly #queue: JobQueue<SlotJob>;

  constructor(limit: number) {
    this.#queue = new JobQueue<SlotJob>(Math.max(1, limit));
  }

  /**
   * Starts `job` now or when a slot frees; `job` receives the function that frees its slot.
   *
   * @example
   * ```ts
   * queue.start((done) => spawnWorker().once('exit', done));
   * ```
   */
  start(job: SlotJob): void {
    if (this.#queue.admit()) this.#launch(job);
    else this.#queue.push(job);
  }

  /** Drops jobs that have not started. */
  clear(): void {
    this.#queue.drain();
  }

  #launch(job: SlotJob): void {
    let freed = false;
    job(() => {
      if (freed) return;
      freed = true;
      this.#queue.finish();
      const next = this.#queue.next();
      if (next) this.#launch(next);
    });
  }
}
