/**
 * The terminal report: the comparison table (cli-table3), the isolation matrix and (with `--targets`)
 * the maintainers' speed targets, printed on stdout at the end of a run. Tables fit the terminal's
 * width: columns that do not fit go into a further table under the first (the subject column repeated);
 * `wide` prints each table whole.
 */
import Table from 'cli-table3';
import { wasBusy } from '../machine.js';
import type { BenchResult } from '../result.js';
import { formatMs, formatRatio } from './format.js';
import { messagesTerminal } from './messages-section.js';
import { directedRatio, PROBE_SHORT, SUMMARY_NOTES, type SummaryRow, summarizeResult } from './summary.js';

const plain = { head: [] as string[], border: [] as string[] };

/** Width when stdout is not a terminal (a pipe, a file, CI logs). */
export const DEFAULT_WIDTH = 100;
const SUBJECT_WIDTH = 24;

/** How the terminal report is laid out. */
export interface TerminalOptions {
  /** Columns available (default {@link DEFAULT_WIDTH}). */
  readonly width?: number | undefined;
  /** Print every table whole, however wide. */
  readonly wide?: boolean;
  /** Print the maintainers' speed targets (`--targets`). */
  readonly targets?: boolean;
}

/** The comparison columns a result has figures for (a single-measure run shows only its own). */
function columns(result: BenchResult): { head: string; width: number; cell: (r: SummaryRow) => string }[] {
  const cols: { head: string; width: number; cell: (r: SummaryRow) => string }[] = [];
  if (result.scaling) cols.push({ head: 'parallelism', width: 14, cell: (r) => r.parallelism });
  if (result.latency) {
    cols.push(
      { head: 'cold p50', width: 24, cell: (r) => r.cold },
      { head: 'warm p50 (per request)', width: 26, cell: (r) => r.warm },
      { head: 'reused group p50', width: 34, cell: (r) => r.reused },
    );
  }
  if (result.throughput) cols.push({ head: 'throughput', width: 22, cell: (r) => r.throughput });
  if (result.isolation) {
    cols.push(
      { head: 'state isolation', width: 26, cell: (r) => r.state },
      { head: 'crash containment', width: 34, cell: (r) => r.crash },
      { head: 'mem/worker', width: 12, cell: (r) => r.memory },
    );
  }
  return cols;
}

/**
 * Splits columns (after the subject column) into groups whose table fits `width`: a table is its column
 * widths plus one border character per column and one more. Every group has at least one column.
 *
 * @example
 * ```ts
 * columnGroups(24, [14, 24, 26, 22], 100); // [[0, 1, 2], [3]]
 * ```
 */
export function columnGroups(subjectWidth: number, widths: readonly number[], width: number): number[][] {
  const groups: number[][] = [];
  let current: number[] = [];
  let used = subjectWidth + 2;
  widths.forEach((w, i) => {
    if (current.length > 0 && used + w + 1 > width) {
      groups.push(current);
      current = [];
      used = subjectWidth + 2;
    }
    current.push(i);
    used += w + 1;
  });
  if (current.length > 0) groups.push(current);
  return groups;
}

/** One table per column group (one table in all when `wide`), the subject column in each. */
function fittedTables(
  heads: readonly string[],
  widths: readonly number[],
  rows: readonly { label: string; cells: readonly string[] | string }[],
  options: TerminalOptions,
): string {
  const width = options.width && options.width > 0 ? options.width : DEFAULT_WIDTH;
  const groups = options.wide
    ? [heads.map((_, i) => i)]
    : columnGroups(SUBJECT_WIDTH, widths, Math.max(width, SUBJECT_WIDTH + 12));
  return groups
    .map((group) => {
      const table = new Table({
        head: ['subject', ...group.map((i) => heads[i]!)],
        style: plain,
        wordWrap: true,
        colWidths: [SUBJECT_WIDTH, ...group.map((i) => widths[i]!)],
      });
      for (const row of rows) {
        if (typeof row.cells === 'string') {
          table.push([row.label, { colSpan: Math.max(1, group.length), content: row.cells }]);
        } else {
          const cells = row.cells;
          table.push([row.label, ...group.map((i) => cells[i] ?? '')]);
        }
      }
      return table.toString();
    })
    .join('\n');
}

function comparisonTable(result: BenchResult, options: TerminalOptions): string {
  const cols = columns(result);
  const rows = summarizeResult(result).map((r) => ({
    label: r.subject.label,
    cells: r.subject.available
      ? cols.map((c) => c.cell(r))
      : `unavailable: ${r.subject.unavailableReason ?? 'unknown reason'}`,
  }));
  return fittedTables(
    cols.map((c) => c.head),
    cols.map((c) => c.width),
    rows,
    options,
  );
}

function isolationTable(result: BenchResult, options: TerminalOptions): string {
  const iso = result.isolation!;
  const probes = iso.probes.filter((p) => p.category !== 'memory');
  const heads = probes.map((p) => PROBE_SHORT[p.id] ?? p.id);
  const rows: { label: string; cells: string[] }[] = [];
  for (const s of result.subjects) {
    const found = iso.rows.filter((r) => r.subject === s.id);
    if (found.length === 0) continue;
    rows.push({
      label: s.label,
      cells: probes.map((p) => found.find((r) => r.probe === p.id)?.verdict ?? '-'),
    });
  }
  // Each column as wide as its longest cell, never wider than a long verdict needs.
  const widths = heads.map((h, i) =>
    Math.min(18, Math.max(h.length, ...rows.map((r) => r.cells[i]!.length)) + 2),
  );
  return fittedTables(heads, widths, rows, options);
}

/** Wraps a line of prose at `width` (continuation lines indented like the first). */
function wrapLine(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const indent = /^\s*/.exec(line)![0];
  const out: string[] = [];
  let current = '';
  for (const word of line.trim().split(/\s+/)) {
    if (current && indent.length + current.length + 1 + word.length > width) {
      out.push(indent + current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) out.push(indent + current);
  return out;
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
export function renderTerminal(result: BenchResult, options: TerminalOptions = {}): string {
  const m = result.machine;
  const out: string[] = [
    `isolane-bench ${result.command}${result.mode === 'quick' ? ' --quick' : ''} — ${m.cpuModel}, ${m.cores} cores, Node ${m.node}, ${new Date(result.startedAt).toISOString()} (${(result.durationMs / 1000).toFixed(0)} s)`,
    ...(wasBusy(m)
      ? [
          `WARNING: the machine was busy (1-min load average ${m.loadAverage.start} at start, ${m.loadAverage.end} at end, ${m.cores} cores): timings are noisy.`,
        ]
      : []),
    '',
    comparisonTable(result, options),
    ...SUMMARY_NOTES.map((n) => `  ${n}`),
  ];
  if (result.isolation)
    out.push('', 'isolation probes (one sacrificial process each):', isolationTable(result, options));
  if (result.scaling?.cpuBatch.rows.length) {
    const b = result.scaling.cpuBatch;
    out.push(
      '',
      `${b.tasks} tasks of ${b.taskMs} ms CPU (ideal ${formatMs(b.idealMs)}): ` +
        b.rows
          .map(
            (r) =>
              `${r.subject} ${r.error ? 'error' : formatMs(r.ms)}${r.vs ? ` (${directedRatio(r.vs.ratio, 'time')} than ${r.vs.baseline})` : ''}`,
          )
          .join(', '),
    );
  }
  out.push(...messagesTerminal(result.messages));
  if (options.targets && result.targets.some((t) => t.measured !== null))
    out.push('', "maintainers' speed targets (the driver issues' goals):", targetsTable(result));
  const width = options.width && options.width > 0 ? options.width : DEFAULT_WIDTH;
  // Tables are already fitted; prose lines (header, notes) wrap at the same width.
  const lines = out.join('\n').split('\n');
  const fitted = options.wide ? lines : lines.flatMap((l) => (/^[┌│├└]/.test(l) ? [l] : wrapLine(l, width)));
  return `${fitted.join('\n')}\n`;
}
