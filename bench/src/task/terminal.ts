/**
 * The terminal report of `isolane-bench task`: one row per runner in a plain table that fits the
 * terminal (columns of least importance are dropped until it does), then the recommendation and its
 * warnings, word-wrapped to the same width.
 */
import { formatMs } from '../report/format.js';
import { COLUMNS, type Column } from './cells.js';
import type { TaskBenchResult } from './result.js';

const GAP = 2;

function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  // A word wider than the line (a long module URL) is cut into pieces that fit.
  const room = Math.max(1, width - indent.length);
  const words = text.split(' ').flatMap((w) => w.match(new RegExp(`.{1,${room}}`, 'gu')) ?? ['']);
  for (const word of words) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else {
      line = line.length > 0 ? `${line} ${word}` : word;
    }
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

/**
 * The columns that fit `width`, most important first to stay.
 *
 * @example
 * ```ts
 * fitColumns(COLUMNS, rows, 60).map((c) => c.header); // ['runner', 'p50', 'throughput', 'results', …]
 * ```
 */
export function fitColumns(columns: readonly Column[], cells: readonly string[][], width: number): number[] {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]!.length)));
  const kept = columns.map((_, i) => i);
  const total = (): number => kept.reduce((sum, i) => sum + widths[i]!, 0) + GAP * (kept.length - 1);
  while (total() > width && kept.length > 1) {
    // Drop the least important column left (the last of equals).
    let drop = kept[0]!;
    for (const i of kept) if (columns[i]!.priority >= columns[drop]!.priority) drop = i;
    if (columns[drop]!.priority === 0) break;
    kept.splice(kept.indexOf(drop), 1);
  }
  return kept;
}

/**
 * Renders the result for a terminal `width` columns wide (default: the terminal's, else 100).
 *
 * @example
 * ```ts
 * process.stdout.write(renderTaskTerminal(result, process.stdout.columns));
 * ```
 */
export function renderTaskTerminal(
  result: TaskBenchResult,
  width: number = process.stdout.columns || 100,
): string {
  const cells = result.runners.map((r) => COLUMNS.map((c) => c.cell(r, result)));
  const kept = fitColumns(COLUMNS, cells, width);
  const widths = COLUMNS.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: readonly string[]): string =>
    kept
      .map((i) =>
        COLUMNS[i]!.align === 'left' ? values[i]!.padEnd(widths[i]!) : values[i]!.padStart(widths[i]!),
      )
      .join(' '.repeat(GAP))
      .trimEnd()
      .slice(0, width);
  const out: string[] = [];
  const t = result.task;
  out.push(
    ...wrap(
      `${t.export} from ${t.module} — ${t.argLists ?? '?'} argument list(s), concurrency ${result.settings.concurrency}, ` +
        `${result.machine.cpus} cores, Node ${result.machine.node}, load ${result.machine.loadAverage.start}, ` +
        `measured in ${formatMs(result.durationMs)}`,
      width,
      '  ',
    ),
    '',
  );
  const serial = result.runners.find((r) => r.id === 'serial');
  if (serial?.warm && serial.blockingMs !== null) {
    out.push(
      ...wrap(
        `The task alone: ${formatMs(serial.warm.p50)} per call (p50, serial), of which ${formatMs(serial.blockingMs)} ` +
          'synchronous (what it holds an event loop for).',
        width,
        '  ',
      ),
      '',
    );
  }
  out.push(line(COLUMNS.map((c) => c.header)));
  out.push(line(COLUMNS.map((_, i) => '-'.repeat(widths[i]!))));
  for (const row of cells) out.push(line(row));
  const dropped = COLUMNS.filter((_, i) => !kept.includes(i)).map((c) => c.header);
  if (dropped.length > 0)
    out.push(...wrap(`(not shown at this width: ${dropped.join(', ')}; see --json or --md)`, width, ' '));
  out.push('');
  const rec = result.recommendation;
  out.push(
    ...wrap(rec.driver ? `Recommended: ${rec.driver}` : `No recommendation: ${rec.headline}`, width, '  '),
  );
  for (const reason of rec.reasons) out.push(...wrap(`  - ${reason}`, width, '    '));
  for (const warning of rec.warnings) out.push(...wrap(`  ! ${warning}`, width, '    '));
  return `${out.join('\n')}\n`;
}
