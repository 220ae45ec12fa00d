/**
 * Which subjects are measured next to their baseline in one process (a ratio immune to a machine whose
 * speed drifts between units), and how the repeats of such a measurement in fresh processes are reduced
 * to one row.
 */
import type { LatencyRow } from './result.js';
import type { Subject } from './subjects/subject.js';

/**
 * An isolane per-task driver: its cold starts are taken in rotation with its cold baseline's.
 *
 * @example
 * ```ts
 * pairsCold(subjectById('thread')); // true
 * ```
 */
export function pairsCold(subject: Subject): boolean {
  return subject.kind === 'driver' && subject.features.perTask && subject.baselines.cold !== undefined;
}

/**
 * A pool (driver or peer): its warm round trips are taken in blocks alternated with its warm baseline's.
 *
 * @example
 * ```ts
 * pairsWarm(subjectById('piscina')); // true
 * ```
 */
export function pairsWarm(subject: Subject): boolean {
  return subject.kind !== 'baseline' && !subject.features.perTask && subject.baselines.warm !== undefined;
}

/**
 * True when a subject's latency is measured next to a baseline (and so repeated in fresh processes).
 *
 * @example
 * ```ts
 * isPaired(subjectById('raw-worker')); // false
 * ```
 */
export function isPaired(subject: Subject): boolean {
  return pairsCold(subject) || pairsWarm(subject);
}

/** The paired ratio a row stands for: cold for per-task drivers, else warm. */
function pairedRatio(row: LatencyRow): number | undefined {
  return row.coldPaired?.ratio ?? row.warmPaired?.ratio;
}

/**
 * Of the rows one subject got in several fresh processes, the one with the median paired ratio (the
 * lower middle for an even count), listing every process's ratio; rows without a ratio (errors) only
 * when nothing else is there.
 *
 * @example
 * ```ts
 * medianPairedRun([a, b, c]).pairedRatios; // [1.04, 1.07, 0.98]
 * ```
 */
export function medianPairedRun(rows: readonly LatencyRow[]): LatencyRow {
  const measured = rows.filter((r) => pairedRatio(r) !== undefined);
  if (measured.length === 0) return rows[0]!;
  const ratios = measured.map((r) => pairedRatio(r)!);
  if (rows.length === 1) return rows[0]!;
  const sorted = [...measured].sort((a, b) => pairedRatio(a)! - pairedRatio(b)!);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return { ...median, pairedRatios: ratios };
}
