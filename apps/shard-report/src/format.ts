/**
 * Plain-text tables for the terminal: per-shard results with per-slot failures, and the driver
 * comparison. No colors, so the output pastes cleanly into issues and docs.
 */
import type { Comparison } from './compare.js';
import type { Report } from './report.js';

/**
 * Renders rows as an aligned text table (numbers right-aligned).
 *
 * @example
 * ```ts
 * table(['a', 'n'], [['x', 1]]); // 'a  n\n-  -\nx  1'
 * ```
 */
export function table(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [head, ...rows].map((row) => row.map(String));
  const widths = head.map((_, c) => Math.max(...cells.map((row) => row[c]?.length ?? 0)));
  const numeric = head.map((_, c) => rows.length > 0 && rows.every((row) => typeof row[c] === 'number'));
  const line = (row: readonly string[]) =>
    row
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}

const money = (cents: number) => (cents / 100).toFixed(2);
const ms = (value: number) => Math.round(value * 10) / 10;

/**
 * The per-shard report: one line per successful shard, one per failed slot, then the totals.
 *
 * @example
 * ```ts
 * console.log(formatReport(await runReport({ dbPath, shards: 8 }), 'pool'));
 * ```
 */
export function formatReport(report: Report, driver: string): string {
  const ok = report.outcomes.filter((o) => o.result.ok);
  const rows = report.outcomes.flatMap(({ shard, result }) =>
    result.ok
      ? [
          [
            shard,
            result.value.events,
            result.value.users,
            money(result.value.amountCents),
            result.value.byKind.find((k) => k.kind === 'purchase')?.events ?? 0,
            ms(result.ms),
          ] as const,
        ]
      : [],
  );
  const out = [table(['shard', 'events', 'users', 'revenue', 'purchases', 'task ms'], rows)];
  const failed = report.outcomes.filter((o) => !o.result.ok);
  if (failed.length > 0) {
    out.push('', `${failed.length} shard(s) failed:`);
    for (const { shard, result } of failed) {
      if (!result.ok)
        out.push(`  shard ${shard}: ${result.error.kind}: ${result.error.name}: ${result.error.message}`);
    }
  }
  let events = 0;
  let cents = 0;
  for (const o of ok) {
    if (o.result.ok) {
      events += o.result.value.events;
      cents += o.result.value.amountCents;
    }
  }
  out.push(
    '',
    `driver ${driver}: ${ok.length}/${report.outcomes.length} shards, ${events} events, revenue ${money(cents)}, total ${ms(report.totalMs)} ms`,
  );
  return out.join('\n');
}

/**
 * The `--driver all` comparison table.
 *
 * @example
 * ```ts
 * console.log(formatComparison(await compareDrivers({ dbPath, shards: 8 })));
 * ```
 */
export function formatComparison(comparison: Comparison): string {
  const rows = comparison.runs.map((run) => {
    const failed = run.warm.outcomes.filter((o) => !o.result.ok).length;
    const slowest = Math.max(0, ...run.warm.outcomes.map((o) => o.result.ms));
    return [run.driver, ms(run.cold.totalMs), ms(run.warm.totalMs), ms(slowest), failed] as const;
  });
  return [
    table(['driver', 'cold ms', 'warm ms', 'slowest shard ms', 'failed shards'], rows),
    '',
    comparison.identical
      ? 'every driver produced the same results'
      : 'DRIVERS DISAGREE: the results differ between drivers',
  ].join('\n');
}
