/**
 * Percentiles and summaries of latency samples. One definition for every row, so a p99 means the same
 * thing for piscina and for the fork driver: linear interpolation between closest ranks (the common
 * "R-7" / numpy default), over the samples left after the warm-up.
 */

/** Summary of a set of samples, in the samples' unit (the bench uses milliseconds). */
export interface Stats {
  readonly n: number;
  readonly min: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * The `q`-quantile (0..1) of samples already sorted ascending, interpolating linearly between ranks.
 *
 * @example
 * ```ts
 * quantileSorted([1, 2, 3, 4], 0.5); // 2.5
 * ```
 */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantileSorted: no samples');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantileSorted: q must be within 0..1, got ${q}`);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

/**
 * Summarizes samples (any order). Throws on an empty set: a row without samples has no statistics.
 *
 * @example
 * ```ts
 * summarize([3, 1, 2]); // { n: 3, min: 1, p50: 2, p95: 2.9, p99: 2.98, max: 3, mean: 2 }
 * ```
 */
export function summarize(samples: readonly number[]): Stats {
  if (samples.length === 0) throw new RangeError('summarize: no samples');
  for (const s of samples) {
    if (!Number.isFinite(s)) throw new RangeError(`summarize: not a finite sample: ${s}`);
  }
  const sorted = [...samples].sort((x, y) => x - y);
  let sum = 0;
  for (const s of sorted) sum += s;
  return {
    n: sorted.length,
    min: sorted[0]!,
    p50: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
    p99: quantileSorted(sorted, 0.99),
    max: sorted[sorted.length - 1]!,
    mean: sum / sorted.length,
  };
}

/**
 * `value / baseline`, or null when either side is missing or the baseline is not positive.
 *
 * @example
 * ```ts
 * ratio(2.2, 2); // 1.1
 * ```
 */
export function ratio(value: number | null | undefined, baseline: number | null | undefined): number | null {
  if (value === null || value === undefined || baseline === null || baseline === undefined) return null;
  if (!(baseline > 0) || !Number.isFinite(value)) return null;
  return value / baseline;
}
