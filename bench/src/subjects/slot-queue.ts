/**
 * The smallest concurrency gate for the raw baselines: a job starts synchronously when a slot is free
 * (so the message carrying its argument is posted inside `run()`), otherwise it waits its turn. p-limit
 * would defer even a free start to a later tick, which a hand-written baseline has no reason to do.
 */

/** Starts jobs up to a limit; `start` must call `done` exactly once. */
export class SlotQueue {
  readonly #limit: number;
  readonly #waiting: (() => void)[] = [];
  #running = 0;

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  /**
   * Starts `job` now or when a slot frees; `job` receives the function that frees its slot.
   *
   * @example
   * ```ts
   * queue.start((done) => spawnWorker().once('exit', done));
   * ```
   */
  start(job: (done: () => void) => void): void {
    const launch = (): void => {
      this.#running++;
      let freed = false;
      job(() => {
        if (freed) return;
        freed = true;
        this.#running--;
        const next = this.#waiting.shift();
        if (next) next();
      });
    };
    if (this.#running < this.#limit) launch();
    else this.#waiting.push(launch);
  }

  /** Drops jobs that have not started. */
  clear(): void {
    this.#waiting.length = 0;
  }
}
