/**
 * What `/report` computes: the primes below `limit`, split into `segments` tasks that run through one
 * WaitGroup per request. The group is per request; the driver behind it is the process-wide shared
 * one, so a request costs task round trips, not a pool start.
 */
import { type DriverName, type TaskFailure, WaitGroup } from '@isolane/core';
import { countPrimes } from './tasks/count-primes.js';

/** One segment's outcome. */
export interface SegmentResult {
  readonly lo: number;
  readonly hi: number;
  /** The primes in `[lo, hi)`, or undefined when the segment failed. */
  readonly primes?: number;
  readonly failure?: TaskFailure;
  /** How long the task ran. */
  readonly ms: number;
}

/** The answer of `/report`. */
export interface PrimeReport {
  readonly limit: number;
  /** Total primes below `limit`; undefined when a segment failed. */
  readonly primes: number | undefined;
  readonly segments: readonly SegmentResult[];
  /** Wall time of the whole fan-out. */
  readonly ms: number;
}

/** Options of {@link primeReport}. */
export interface FanOutOptions {
  /** The driver of the per-request group; omitted = `ISOLANE_DRIVER`, config file, default. */
  readonly driver?: DriverName | undefined;
  /** Max tasks running at once (in the shared driver). Omitted = available parallelism. */
  readonly concurrency?: number | undefined;
  /** Per-task timeout in ms. */
  readonly timeout?: number | undefined;
  /** Aborts the request's tasks (e.g. when the client goes away). */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Counts the primes below `limit` with `segments` tasks.
 *
 * @example
 * ```ts
 * const report = await primeReport(24_000_000, 4, { driver: 'pool' });
 * report.primes; // 1565927
 * ```
 */
export async function primeReport(
  limit: number,
  segments: number,
  options: FanOutOptions = {},
): Promise<PrimeReport> {
  const started = performance.now();
  await using wg = new WaitGroup({
    driver: options.driver,
    concurrency: options.concurrency,
    timeout: options.timeout,
    signal: options.signal,
  });
  const bounds: [number, number][] = [];
  const step = Math.ceil(limit / segments);
  for (let lo = 0; lo < limit; lo += step) bounds.push([lo, Math.min(limit, lo + step)]);
  for (const [lo, hi] of bounds) wg.go(countPrimes, lo, hi);
  const results = await wg.wait();
  const out = bounds.map(([lo, hi], i): SegmentResult => {
    const r = results[i]!;
    return r.ok ? { lo, hi, primes: r.value as number, ms: r.ms } : { lo, hi, failure: r.error, ms: r.ms };
  });
  const primes = out.every((s) => s.primes !== undefined)
    ? out.reduce((n, s) => n + (s.primes ?? 0), 0)
    : undefined;
  return { limit, primes, segments: out, ms: performance.now() - started };
}
