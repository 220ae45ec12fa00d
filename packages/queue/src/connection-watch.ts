/**
 * The producer's watchdog on its Redis connection: how long the connection has been down while work
 * was pending, and when that has lasted `connectTimeout` (the pending slots then fail as `crashed`).
 */

/**
 * Down time of one connection.
 *
 * @example
 * ```ts
 * const watch = new ConnectionWatch(10_000);
 * if (watch.expired(link.ready, performance.now())) failAll();
 * ```
 */
export class ConnectionWatch {
  readonly #timeoutMs: number;
  #downSince: number | undefined;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** Starts counting from `now` (a new connection, not up yet). */
  connecting(now: number): void {
    this.#downSince = now;
  }

  /** Nothing pending: down time no longer counts. */
  reset(): void {
    this.#downSince = undefined;
  }

  /** True when the connection has been down for the timeout (counting starts again from `now`). */
  expired(up: boolean, now: number): boolean {
    if (up) {
      this.#downSince = undefined;
      return false;
    }
    this.#downSince ??= now;
    if (now - this.#downSince < this.#timeoutMs) return false;
    this.#downSince = now;
    return true;
  }
}
