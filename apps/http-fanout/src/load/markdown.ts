/**
 * The load run as text: a terminal table and a Markdown section. The Markdown goes between markers in
 * a document (the docs' "choosing a driver" page), so the numbers there are always a measured run,
 * never hand-edited.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import type { LoadRow, LoadSettings } from './measure.js';

export const BEGIN_MARKER = '<!-- http-fanout:begin -->';
export const END_MARKER = '<!-- http-fanout:end -->';

const f = (n: number) => (Number.isNaN(n) ? '–' : n < 10 ? n.toFixed(2) : n.toFixed(0));

function cells(row: LoadRow): string[] {
  return [
    row.loaded
      ? row.concurrency
        ? `${row.driver} (concurrency ${row.concurrency})`
        : row.driver
      : 'none (idle baseline)',
    row.loaded ? row.report.perSecond.toFixed(1) : '–',
    row.loaded ? f(row.report.p50) : '–',
    row.loaded ? f(row.report.p99) : '–',
    f(row.health.p50),
    f(row.health.p99),
    f(row.health.max),
    String(row.health.count),
    String(row.report.failures + row.health.failures),
  ];
}

const HEAD = [
  '/report load under',
  '/report req/s',
  '/report p50 ms',
  '/report p99 ms',
  '/health p50 ms',
  '/health p99 ms',
  '/health max ms',
  '/health answers',
  'failures',
];

/**
 * An aligned plain-text table of the rows.
 *
 * @example
 * ```ts
 * console.log(textTable(rows));
 * ```
 */
export function textTable(rows: readonly LoadRow[]): string {
  const all = [HEAD, ...rows.map(cells)];
  const widths = HEAD.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  return all
    .map((r, i) => {
      const line = r
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
        .join('  ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

/** When and in what conditions a run was made. */
export interface RunMeta {
  readonly when: Date;
  /** The 1-minute load average when the run started: other work competes for the same cores. */
  readonly loadAverage: number;
  /** The command line that produced the run, to reproduce it. */
  readonly command: string;
}

/**
 * The Markdown section: how it was measured, then the table.
 *
 * @example
 * ```ts
 * const md = markdownSection(rows, DEFAULT_LOAD, { when: new Date(), loadAverage: os.loadavg()[0] });
 * ```
 */
export function markdownSection(rows: readonly LoadRow[], settings: LoadSettings, meta: RunMeta): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const lines = [
    `Measured ${meta.when.toISOString().slice(0, 10)} with \`${meta.command}\`: Node ${process.version}, ` +
      `${availableParallelism()} cores (${cpu}), loopback. Per driver: ${settings.durationS} s of \`/report\` on ` +
      `${settings.reportConnections} connections (each request counts the primes below 24,000,000 in 4 tasks of ` +
      `~20-50 ms), while \`/health\` is polled ${settings.healthRate} times a second; every response time is kept. ` +
      `1-minute load average when the run started: ${meta.loadAverage.toFixed(1)}.`,
    '',
    `| ${HEAD.join(' | ')} |`,
    `|${HEAD.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((row) => `| ${cells(row).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/**
 * Writes `section` into `file` between the markers (replacing what was there), or, when the file has
 * no markers, writes a file holding the section alone between fresh markers.
 *
 * @example
 * ```ts
 * writeSection('docs/choosing-a-driver.md', md);
 * ```
 */
export function writeSection(file: string, section: string): void {
  const block = `${BEGIN_MARKER}\n${section}\n${END_MARKER}`;
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    const begin = text.indexOf(BEGIN_MARKER);
    const end = text.indexOf(END_MARKER);
    if (begin !== -1 && end > begin) {
      writeFileSync(file, text.slice(0, begin) + block + text.slice(end + END_MARKER.length));
      return;
    }
  }
  writeFileSync(file, `${block}\n`);
}
