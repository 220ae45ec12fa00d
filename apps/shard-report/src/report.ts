/**
 * The report itself: one module task per shard, fanned out through a WaitGroup, one result per shard.
 * A shard that fails (a missing table, a timeout) fails its own slot; the others still report.
 */
import { type DriverName, type Result, WaitGroup } from '@isolane/core';
import type { ShardSummary } from './shard-query.js';
import type { ShardProgress } from './shard-steps.js';
import { shardSummary } from './tasks/shard-summary.js';

/** Options of {@link runReport}. */
export interface ReportOptions {
  /** Path of the database file (each task opens it read-only). */
  readonly dbPath: string;
  /** Shards to aggregate: a count (shards 0 … n-1) or an explicit list. */
  readonly shards: number | readonly number[];
  /** The driver; omitted = `ISOLANE_DRIVER`, then `isolane.config.json`, then the default. */
  readonly driver?: DriverName | undefined;
  /** Max shards aggregated at once. Default: the driver's (available parallelism). */
  readonly concurrency?: number | undefined;
  /** Per-shard timeout in ms. Default: none. */
  readonly timeout?: number | undefined;
  /** Called as each shard's task reports how far it got (live, while the tasks run). */
  readonly onProgress?: ((progress: ShardProgress) => void) | undefined;
}

/** One shard's outcome. */
export interface ShardOutcome {
  readonly shard: number;
  readonly result: Result<ShardSummary>;
}

/** A finished report. */
export interface Report {
  readonly outcomes: readonly ShardOutcome[];
  /** Wall time from the first `go()` to the last result, in ms. */
  readonly totalMs: number;
}

/**
 * Aggregates every shard in parallel (as far as the driver allows) and collects one result per shard.
 * Never rejects for a shard's failure.
 *
 * @example
 * ```ts
 * const { outcomes, totalMs } = await runReport({ dbPath: 'events.sqlite', shards: 8, driver: 'pool' });
 * for (const { shard, result } of outcomes) console.log(shard, result.ok ? result.value.events : result.error.message);
 * ```
 */
export async function runReport(options: ReportOptions): Promise<Report> {
  const shards =
    typeof options.shards === 'number'
      ? Array.from({ length: options.shards }, (_, i) => i)
      : [...options.shards];
  const started = performance.now();
  await using wg = new WaitGroup({
    driver: options.driver,
    concurrency: options.concurrency,
    timeout: options.timeout,
    onProgress:
      options.onProgress === undefined
        ? undefined
        : (value: unknown) => options.onProgress!(value as ShardProgress),
  });
  for (const shard of shards) wg.go(shardSummary, options.dbPath, shard);
  const results = await wg.wait();
  const totalMs = performance.now() - started;
  return {
    outcomes: shards.map((shard, i) => ({ shard, result: results[i] as Result<ShardSummary> })),
    totalMs,
  };
}
