/**
 * Whether a runner's results differ from the reference: the same inputs, in the same order, one task at
 * a time, must give the same results under every model. When they do not, the task depends on state
 * kept between calls (module state, a global) or on where it runs — a capture or state bug that a
 * driver switch would expose in production. Failed tasks are failures, reported apart, not divergences.
 */
import type { Divergence, RunnerId } from './result.js';

/** A runner's fingerprints. */
export interface DigestRow {
  readonly id: RunnerId;
  readonly digests: readonly string[];
}

const failed = (d: string | undefined): boolean => d === undefined || d.startsWith('failed:');

/**
 * The reference fingerprints: the serial run in one thread when it produced any result, otherwise the
 * most common sequence among the runners (ties: the first in order).
 *
 * @example
 * ```ts
 * referenceDigests([{ id: 'serial', digests: ['a', 'b'] }]); // ['a', 'b']
 * ```
 */
export function referenceDigests(rows: readonly DigestRow[]): readonly string[] {
  const serial = rows.find((r) => r.id === 'serial');
  if (serial?.digests.some((d) => !failed(d))) return serial.digests;
  const counts = new Map<string, { n: number; digests: readonly string[] }>();
  for (const r of rows) {
    if (!r.digests.some((d) => !failed(d))) continue;
    const key = r.digests.join(',');
    const entry = counts.get(key);
    if (entry) entry.n++;
    else counts.set(key, { n: 1, digests: r.digests });
  }
  let best: { n: number; digests: readonly string[] } | undefined;
  for (const entry of counts.values()) if (!best || entry.n > best.n) best = entry;
  return best?.digests ?? [];
}

/**
 * The runners whose successful results differ from the reference, with the tasks that differ.
 *
 * @example
 * ```ts
 * findDivergences([
 *   { id: 'serial', digests: ['a', 'b'] },
 *   { id: 'thread', digests: ['a', 'a'] },
 * ]); // [{ id: 'thread', tasks: [1] }]
 * ```
 */
export function findDivergences(rows: readonly DigestRow[]): Divergence[] {
  const reference = referenceDigests(rows);
  const out: Divergence[] = [];
  for (const row of rows) {
    const tasks: number[] = [];
    row.digests.forEach((d, i) => {
      const ref = reference[i];
      if (!failed(d) && !failed(ref) && d !== ref) tasks.push(i);
    });
    if (tasks.length > 0) out.push({ id: row.id, tasks });
  }
  return out;
}
