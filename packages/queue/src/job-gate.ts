/**
 * A worker's admission of tasks onto its local driver. A job may carry several short tasks (a bundle:
 * bundle-policy.ts), so a worker can hold more tasks than its `--concurrency`: at most that many run at
 * once, the others are held here, in arrival order, and have not started — a held task is not on the
 * local driver, a cancel drops it, and if the worker dies its task goes back to the queue (started ones
 * carry a mark in Redis, see `startedField` in wire.ts). The worker never takes more jobs than it has
 * slots, so a job is never held back here while another worker is free.
 */

/**
 * Which tasks may start.
 *
 * @example
 * ```ts
 * const gate = new JobGate(2);
 * const entered = gate.enter('7.0');
 * if ((entered === true ? true : await entered) === true) { start(task); gate.leave(); } // else: dropped, why
 * ```
 */
export class JobGate {
  readonly #size: number;
  #active = 0;
  /** Held tasks in arrival order: what lets each one go (true: start it; a string: dropped, and why). */
  readonly #held = new Map<string, (start: true | string) => void>();

  constructor(size: number) {
    this.#size = size;
  }

  /** Tasks held (arrived, not started). */
  get held(): number {
    return this.#held.size;
  }

  /** Tasks started and not ended. */
  get active(): number {
    return this.#active;
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

  /** A started task ended (or was let go without starting): the oldest held task starts. */
  leave(): void {
    this.#active--;
    this.#release();
  }

  /** Drops a held task (it never starts; its `enter` gives `reason`); false when it is not held here. */
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
