/**
 * A worker's admission of jobs onto its local driver. The BullMQ worker may fetch more jobs than the
 * worker's `--concurrency` (a few ahead, while tasks are short: see {@link JobGate.fetchAhead}), so that
 * when a job ends the next one is already here instead of a Redis round trip away (the local pool's
 * threads stay busy instead of sleeping and being woken for every job). At most `size` of them run at
 * once; the others are held here, in fetch order, and have not started: a held job is not on the local
 * driver, a cancel drops it, and if the worker dies its job goes back to the queue (the started ones
 * carry a mark in Redis, see `STARTED_FIELD` in wire.ts).
 */

/** Jobs fetched ahead per slot while tasks are short. */
const AHEAD_PER_SLOT = 3;
/** A task shorter than this (ms, running average) makes fetching ahead pay. */
const SHORT_TASK_MS = 2;
/** Weight of the latest run time in the running average. */
const WEIGHT = 0.1;

/**
 * Which fetched jobs may start.
 *
 * @example
 * ```ts
 * const gate = new JobGate(2);
 * const entered = gate.enter('7');
 * if ((entered === true ? true : await entered) === true) { start(job); gate.leave(ms); } // else: dropped, why
 * ```
 */
export class JobGate {
  readonly #size: number;
  #active = 0;
  /** Held jobs in fetch order: what lets each one go (true: start it; a string: dropped, and why). */
  readonly #held = new Map<string, (start: true | string) => void>();
  /** Running average of task run times, ms (-1 until the first). */
  #avgMs = -1;

  constructor(size: number) {
    this.#size = size;
  }

  /** Jobs held (fetched, not started). */
  get held(): number {
    return this.#held.size;
  }

  /** Jobs started and not ended. */
  get active(): number {
    return this.#active;
  }

  /**
   * How many jobs the BullMQ worker may hold: the slots, plus a few more tasks per slot while the running
   * average of task run times is short (long tasks are never held back from another worker that is free),
   * in jobs of `tasksPerJob` tasks.
   */
  fetchAhead(tasksPerJob = 1): number {
    const short = this.#avgMs >= 0 && this.#avgMs < SHORT_TASK_MS;
    if (!short) return this.#size;
    // Jobs carrying several tasks (bundle-policy.ts): about the same number of tasks held, in fewer jobs.
    return this.#size + Math.ceil((this.#size * AHEAD_PER_SLOT) / Math.max(1, tasksPerJob));
  }

  /** `true` at once when a slot is free; otherwise a promise of `true` when one frees, or why it was dropped. */
  enter(id: string): true | Promise<true | string> {
    if (this.#active < this.#size && this.#held.size === 0) {
      this.#active++;
      return true;
    }
    return new Promise<true | string>((resolve) => {
      this.#held.set(id, (start) => {
        if (start === true) this.#active++;
        resolve(start);
      });
    });
  }

  /** A started job ended after running `ms`: the oldest held job starts. */
  leave(ms: number): void {
    this.#active--;
    if (Number.isFinite(ms) && ms >= 0) {
      this.#avgMs = this.#avgMs < 0 ? ms : this.#avgMs + (ms - this.#avgMs) * WEIGHT;
    }
    this.#release();
  }

  /** Drops a held job (it never starts; its `enter` gives `reason`); false when it is not held here. */
  drop(id: string, reason: string): boolean {
    const letGo = this.#held.get(id);
    if (letGo === undefined) return false;
    this.#held.delete(id);
    letGo(reason);
    return true;
  }

  #release(): void {
    while (this.#active < this.#size && this.#held.size > 0) {
      const [id, letGo] = this.#held.entries().next().value as [string, (start: true | string) => void];
      this.#held.delete(id);
      letGo(true);
    }
  }
}
