/**
 * The terminal report: the comparison table (cli-table3), the isolation matrix and the issues' targets,
 * printed on stdout at the end of a run.
 */
import Table from 'cli-table3';
import type { BenchResult } from '../result.js';
import { formatMs, formatRatio } from './format.js';
import { PROBE_SHORT, SUMMARY_NOTES, summarizeResult } from './summary.js';

const plain = { head: [] as string[], border: [] as string[] };

function comparisonTable(result: BenchResult): string {
  const table = new Table({
    head: [
      'subject',
      'parallelism',
      'cold p50',
      'warm p50',
      'throughput',
      'state isolation',
      'crash containment',
      'mem/worker',
    ],
    style: plain,
    wordWrap: true,
    colWidths: [28, 13, 20, 22, 18, 26, 34, 12],
  });
  for (const r of summarizeResult(result)) {
    if (!r.subject.available) {
      table.push([r.subject.label, { colSpan: 7, content: r.parallelism }]);
    } else {
      table.push([r.subject.label, r.parallelism, r.cold, r.warm, r.throughput, r.state, r.crash, r.memory]);
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
