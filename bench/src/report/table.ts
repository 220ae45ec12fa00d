/**
 * The terminal report: the comparison table (cli-table3), the isolation matrix and the issues' targets,
 * printed on stdout at the end of a run.
 */
import Table from 'cli-table3';
import { wasBusy } from '../machine.js';
import type { BenchResult } from '../result.js';
import { formatMs, formatRatio } from './format.js';
import { PROBE_SHORT, SUMMARY_NOTES, type SummaryRow, summarizeResult } from './summary.js';

const plain = { head: [] as string[], border: [] as string[] };

/** The comparison columns a result has figures for (a single-measure run shows only its own). */
function columns(result: BenchResult): { head: string; width: number; cell: (r: SummaryRow) => string }[] {
  const cols: { head: string; width: number; cell: (r: SummaryRow) => string }[] = [];
  if (result.scaling) cols.push({ head: 'parallelism', width: 13, cell: (r) => r.parallelism });
  if (result.latency) {
    cols.push(
      { head: 'cold p50', width: 20, cell: (r) => r.cold },
      { head: 'warm p50', width: 22, cell: (r) => r.warm },
    );
  }
  if (result.throughput) cols.push({ head: 'throughput', width: 18, cell: (r) => r.throughput });
  if (result.isolation) {
    cols.push(
      { head: 'state isolation', width: 26, cell: (r) => r.state },
      { head: 'crash containment', width: 34, cell: (r) => r.crash },
      { head: 'mem/worker', width: 12, cell: (r) => r.memory },
    );
  }
  return cols;
}

function comparisonTable(result: BenchResult): string {
  const cols = columns(result);
  const table = new Table({
    head: ['subject', ...cols.map((c) => c.head)],
    style: plain,
    wordWrap: true,
    colWidths: [28, ...cols.map((c) => c.width)],
  });
  for (const r of summarizeResult(result)) {
    if (!r.subject.available) {
      table.push([
        r.subject.label,
        {
          colSpan: Math.max(1, cols.length),
          content: `unavailable: ${r.subject.unavailableReason ?? 'unknown reason'}`,
        },
      ]);
    } else {
      table.push([r.subject.label, ...cols.map((c) => c.cell(r))]);
    }
  }
  return table.toString();
}

function isolationTable(result: BenchResult): string {
  const iso = result.isolation!;
  const probes = iso.probes.filter((p) => p.category !== 'memory');
  const table = new Table({
    head: ['subject', ...probes.map((p) => PROBE_SHORT[p.id] ?? p.id)],
    style: plain,
  });
  for (const s of result.subjects) {
    const rows = iso.rows.filter((r) => r.subject === s.id);
    if (rows.length === 0) continue;
    table.push([s.label, ...probes.map((p) => rows.find((r) => r.probe === p.id)?.verdict ?? '-')]);
  }
  return table.toString();
}

function targetsTable(result: BenchResult): string {
  const table = new Table({ head: ['issue', 'target', 'measured', 'limit', 'met'], style: plain });
  for (const t of result.targets) {
    const value =
      t.measured === null ? 'not measured' : t.unit === 'ms' ? formatMs(t.measured) : formatRatio(t.measured);
    const limit = `${t.comparator} ${t.unit === 'ms' ? formatMs(t.limit) : formatRatio(t.limit)}`;
    table.push([`#${t.issue}`, t.description, value, limit, t.met === null ? '-' : t.met ? 'yes' : 'NO']);
  }
  return table.toString();
}

/**
 * The whole terminal report of a result.
 *
 * @example
 * ```ts
 * process.stdout.write(renderTerminal(result));
 * ```
 */
export function renderTerminal(result: BenchResult): string {
  const m = result.machine;
  const out: string[] = [
    `isolane-bench ${result.command}${result.mode === 'quick' ? ' --quick' : ''} — ${m.cpuModel}, ${m.cores} cores, Node ${m.node}, ${new Date(result.startedAt).toISOString()} (${(result.durationMs / 1000).toFixed(0)} s)`,
    ...(wasBusy(m)
      ? [
          `WARNING: the machine was busy (1-min load average ${m.loadAverage.start} at start, ${m.loadAverage.end} at end, ${m.cores} cores): timings are noisy.`,
        ]
      : []),
    '',
    comparisonTable(result),
    ...SUMMARY_NOTES.map((n) => `  ${n}`),
  ];
  if (result.isolation)
    out.push('', 'isolation probes (one sacrificial process each):', isolationTable(result));
  if (result.scaling?.cpuBatch.rows.length) {
    const b = result.scaling.cpuBatch;
    out.push(
      '',
      `${b.tasks} tasks of ${b.taskMs} ms CPU (ideal ${formatMs(b.idealMs)}): ` +
        b.rows
          .map(
            (r) =>
              `${r.subject} ${r.error ? 'error' : formatMs(r.ms)}${r.vs ? ` (${formatRatio(r.vs.ratio)} ${r.vs.baseline})` : ''}`,
          )
          .join(', '),
    );
  }
  if (result.targets.some((t) => t.measured !== null))
    out.push('', 'targets of issues 3 and 4:', targetsTable(result));
  return `${out.join('\n')}\n`;
}
