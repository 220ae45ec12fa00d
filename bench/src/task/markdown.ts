/**
 * The Markdown report of `isolane-bench task`: the same cells as the terminal table (every column), the
 * recommendation with its reasons and warnings, and how the figures were taken — what a README or a
 * design note can quote as it is.
 */
import { formatMs } from '../report/format.js';
import { COLUMNS } from './cells.js';
import type { TaskBenchResult } from './result.js';

const escapeCell = (s: string): string => s.replaceAll('|', '\\|');

/**
 * Renders the result as Markdown (a section, starting at heading level `level`).
 *
 * @example
 * ```ts
 * writeFileSync('bench-task.md', renderTaskMarkdown(result));
 * ```
 */
export function renderTaskMarkdown(result: TaskBenchResult, level = 2): string {
  const h = '#'.repeat(level);
  const m = result.machine;
  const t = result.task;
  const s = result.settings;
  const rec = result.recommendation;
  const lines: string[] = [];
  lines.push(`${h} \`${t.export}\` under every driver`, '');
  lines.push(
    `Measured ${result.startedAt.slice(0, 10)} with \`${result.command ?? 'isolane-bench task'}\`: Node ${m.node}, ${m.cpus} cores ` +
      `(${m.cpuModel}), 1-minute load ${m.loadAverage.start} → ${m.loadAverage.end}; ` +
      `${t.argLists ?? '?'} argument list(s), concurrency ${s.concurrency}, timeout ${formatMs(s.timeoutMs)}, ` +
      `budget ${formatMs(s.budgetMs)}, ${formatMs(result.durationMs)} in all.`,
    '',
  );
  const serial = result.runners.find((r) => r.id === 'serial');
  if (serial?.warm && serial.blockingMs !== null) {
    lines.push(
      `The task alone: ${formatMs(serial.warm.p50)} per call (p50, serial), of which ` +
        `${formatMs(serial.blockingMs)} synchronous (what it holds an event loop for).`,
      '',
    );
  }
  lines.push(`| ${COLUMNS.map((c) => c.header).join(' | ')} |`);
  lines.push(`|${COLUMNS.map((c) => (c.align === 'left' ? ' --- ' : ' ---: ')).join('|')}|`);
  for (const r of result.runners)
    lines.push(`| ${COLUMNS.map((c) => escapeCell(c.cell(r, result))).join(' | ')} |`);
  lines.push('');
  lines.push(
    '`serial` calls the export directly, one task after the other, in one thread: the reference for results, ' +
      'overhead (warm p50 minus the p50 of direct calls alternated with the warm samples in the same process) and speedup (the same tasks serially over the wall time with ' +
      'the tasks in flight). `cold` is the first task on a fresh runner; p50/p95/p99 are warm, one task at a ' +
      'time; throughput counts tasks in flight (batch size in brackets); CPU is cores kept busy; memory is RSS ' +
      'of the host and its child processes. Each runner is measured in a fresh process.',
    '',
  );
  lines.push(
    rec.driver ? `**Recommended: \`${rec.driver}\`**` : `**No recommendation:** ${escapeCell(rec.headline)}`,
    '',
  );
  for (const reason of rec.reasons) lines.push(`- ${reason}`);
  if (rec.warnings.length > 0) {
    lines.push('', 'Warnings:', '');
    for (const w of rec.warnings) lines.push(`- ${w}`);
  }
  const failing = result.runners.filter((r) => r.firstFailure);
  if (failing.length > 0) {
    lines.push('', 'First failure per runner:', '');
    for (const r of failing) {
      const f = r.firstFailure!;
      lines.push(
        `- ${r.id}: \`${f.kind}\` ${escapeCell(f.name)}: ${escapeCell(f.message.split('\n')[0] ?? '')}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
