/**
 * The producer's window onto Redis: at most `concurrency` of a driver's jobs are in Redis at once (added
 * and not settled); the other `go()`s wait here, in order. While at least half the window is in Redis
 * (workers have plenty to take), it is refilled in batches of a sixteenth at least: one MULTI of many
 * adds costs Redis and the producer far less per job than a few adds after every completion event.
 */
import type { Entry } from './queue-entry.js';

/**
 * Which waiting jobs go to Redis next.
 *
 * @example
 * ```ts
 * const window = new JobWindow(16);
 * window.push(entry);
 * const batch = window.take(); // entries to add, now counted in flight
 * window.left();               // one in flight settled
 * ```
 */
export class JobWindow {
  readonly #concurrency: number;
  #waiting: Entry[] = [];
  #head = 0;
  #inflight = 0;

  constructor(concurrency: number) {
    this.#concurrency = concurrency;
  }

  /** Jobs in Redis, or being added, plus those waiting here. */
  get pending(): number {
    return this.#inflight + (this.#waiting.length - this.#head);
  }

  /** Queues a job to be added. */
  push(entry: Entry): void {
    this.#waiting.push(entry);
  }

  /** The jobs to add now (empty while the window is full enough), counted in flight from here on. */
  take(): Entry[] {
    const batch: Entry[] = [];
    const free = this.#concurrency - this.#inflight;
    if (this.#inflight * 2 >= this.#concurrency && free < this.#concurrency >> 4) return batch;
    while (this.#inflight < this.#concurrency && this.#head < this.#waiting.length) {
      const entry = this.#waiting[this.#head++] as Entry;
      if (entry.state !== 'queued') continue;
      this.#inflight++;
      batch.push(entry);
    }
    if (this.#head > 1024 && this.#head * 2 > this.#waiting.length) {
      this.#waiting.splice(0, this.#head);
      this.#head = 0;
    }
    return batch;
  }

  /** A job in flight settled: room for another. */
  left(): void {
    this.#inflight--;
  }

  /** Takes every job still waiting here (close, or Redis lost), leaving none. */
  drain(): Entry[] {
    const left = this.#waiting.slice(this.#head);
    this.#waiting = [];
    this.#head = 0;
    return left;
  }
}
