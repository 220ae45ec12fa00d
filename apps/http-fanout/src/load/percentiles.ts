/**
 * Percentiles of raw latency samples. autocannon's own histograms round to whole milliseconds, too
 * coarse for a `/health` that answers in a fraction of one, so the load run keeps every sample.
 */

/** Summary of a set of latency samples, in ms. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * Nearest-rank percentiles of `samples` (ms).
 *
 * @example
 * ```ts
 * summarize([1, 2, 3, 4]); // { count: 4, p50: 2, p99: 4, max: 4 }
 * ```
 */
export function summarize(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) return { count: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  return { count: sorted.length, p50: rank(0.5), p99: rank(0.99), max: sorted[sorted.length - 1]! };
}
