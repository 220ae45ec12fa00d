/**
 * The `idleTimeout` option: a worker idle that long is retired. One timer serves the whole pool: it is
 * armed for the worker that became idle first and, when it fires, retires every worker due and re-arms
 * for the next one.
 */
import type { WorkerState } from './worker-state.js';

/**
 * Retires the pool's idle workers.
 *
 * @example
 * ```ts
 * const reaper = new IdleReaper(30_000, workers, (w) => retire(w));
 * reaper.arm(worker); // it just became idle
 * ```
 */
export class IdleReaper {
  readonly #idleTimeout: number;
  readonly #workers: readonly WorkerState[];
  readonly #retire: (worker: WorkerState) => void;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  readonly #reap = (): void => this.#reapIdle();

  /**
   * @param idleTimeout - ms (`Infinity`: never).
   * @param workers - the pool's workers (read when the timer fires).
   * @param retire - retires one worker that has been idle too long.
   */
  constructor(idleTimeout: number, workers: readonly WorkerState[], retire: (worker: WorkerState) => void) {
    this.#idleTimeout = idleTimeout;
    this.#workers = workers;
    this.#retire = retire;
  }

  /** `w` became idle: make sure a timer will look at it in time. */
  arm(w: WorkerState): void {
    if (this.#timer !== undefined || this.#stopped || this.#idleTimeout === Number.POSITIVE_INFINITY) return;
    this.#schedule(w.idleSince + this.#idleTimeout - performance.now());
  }

  /** No more reaping (the pool is closing). */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(ms: number): void {
    this.#timer = setTimeout(this.#reap, Math.max(1, Math.ceil(ms)));
    this.#timer.unref();
  }

  #reapIdle(): void {
    this.#timer = undefined;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const w of [...this.#workers]) {
      if (!w.usable || w.inflight.length > 0) continue;
      const due = w.idleSince + this.#idleTimeout;
      if (due <= now + 1) this.#retire(w);
      else if (due < next) next = due;
    }
    if (next !== Number.POSITIVE_INFINITY) this.#schedule(next - now);
  }
}
