/**
 * A monotonic clock for worker-side code. The `performance` global loads `perf_hooks` on first use,
 * which costs a cold worker about 1 ms; `process.hrtime()` is already there. It is taken at load: a task
 * that replaces `globalThis.process` (or its `hrtime`) does not stop the worker's clock.
 */

const hrtime = process.hrtime;

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
  const time = hrtime(); // by index: destructuring would go through a task's Array iterator
  return time[0] * 1e3 + time[1] / 1e6;
}
