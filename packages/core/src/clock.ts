/**
 * A monotonic clock for worker-side code. The `performance` global loads `perf_hooks` on first use,
 * which costs a cold worker about 1 ms; `process.hrtime()` is already there.
 */

/**
 * Milliseconds from an arbitrary fixed origin, with sub-millisecond precision; only differences mean
 * something.
 *
 * @example
 * ```ts
 * const started = monotonicMs();
 * await work();
 * const ms = monotonicMs() - started;
 * ```
 */
export function monotonicMs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}
