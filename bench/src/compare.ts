/**
 * Ratios against the baseline rows of the same run: every absolute figure is shown next to the figure
 * of the raw baseline (or the reference peer) it should be judged against, measured minutes apart on the
 * same machine, never against a number from elsewhere.
 */
import type { CpuBatchRow, LatencyRow, ThroughputRow } from './result.js';
import { ratio } from './stats.js';
import type { SubjectBaselines } from './subjects/subject.js';

/** The raw peer the many-small-CPU-tasks batch is compared with (the pool driver is built on it). */
export const CPU_BATCH_BASELINE = 'piscina';

/**
 * Adds `coldVs` / `warmVs` (p50 / baseline p50) to latency rows; for a figure measured in alternation
 * with its baseline (`coldPaired`, `warmPaired`), that pairing's ratio.
 *
 * @example
 * ```ts
 * compareLatency(rows, (id) => subjectById(id).baselines);
 * ```
 */
export function compareLatency(
  rows: readonly LatencyRow[],
  baselinesOf: (id: string) => SubjectBaselines,
): LatencyRow[] {
  const byId = new Map(rows.map((r) => [r.subject, r]));
  return rows.map((row) => {
    const b = baselinesOf(row.subject);
    const out: { -readonly [K in keyof LatencyRow]: LatencyRow[K] } = { ...row };
    const coldBase = b.cold && b.cold !== row.subject ? byId.get(b.cold) : undefined;
    const coldRatio = ratio(row.cold?.p50, coldBase?.cold?.p50);
    // A ratio from samples taken in alternation with the baseline beats one across two units.
    if (row.coldPaired) out.coldVs = { baseline: row.coldPaired.baseline, ratio: row.coldPaired.ratio };
    else if (coldBase && coldRatio !== null) out.coldVs = { baseline: coldBase.subject, ratio: coldRatio };
    const warmBase = b.warm && b.warm !== row.subject ? byId.get(b.warm) : undefined;
    const warmRatio = ratio(row.warm?.p50, warmBase?.warm?.p50);
    if (row.warmPaired) out.warmVs = { baseline: row.warmPaired.baseline, ratio: row.warmPaired.ratio };
    else if (warmBase && warmRatio !== null) out.warmVs = { baseline: warmBase.subject, ratio: warmRatio };
    return out;
  });
}

/**
 * Adds `vs` (tasks/s / baseline tasks/s: above 1 is faster) to throughput rows.
 *
 * @example
 * ```ts
 * compareThroughput(rows, (id) => subjectById(id).baselines);
 * ```
 */
export function compareThroughput(
  rows: readonly ThroughputRow[],
  baselinesOf: (id: string) => SubjectBaselines,
): ThroughputRow[] {
  const byId = new Map(rows.map((r) => [r.subject, r]));
  return rows.map((row) => {
    const id = baselinesOf(row.subject).throughput;
    const base = id && id !== row.subject ? byId.get(id) : undefined;
    const r = base && !row.error && !base.error ? ratio(row.tasksPerSecond, base.tasksPerSecond) : null;
    return base && r !== null ? { ...row, vs: { baseline: base.subject, ratio: r } } : { ...row };
  });
}

/**
 * Adds `vs` (time / raw piscina's time: above 1 is slower) to the CPU batch rows.
 *
 * @example
 * ```ts
 * compareCpuBatch(rows);
 * ```
 */
export function compareCpuBatch(rows: readonly CpuBatchRow[]): CpuBatchRow[] {
  const base = rows.find((r) => r.subject === CPU_BATCH_BASELINE && !r.error);
  return rows.map((row) => {
    const r = base && row.subject !== base.subject && !row.error ? ratio(row.ms, base.ms) : null;
    return base && r !== null ? { ...row, vs: { baseline: base.subject, ratio: r } } : { ...row };
  });
}
