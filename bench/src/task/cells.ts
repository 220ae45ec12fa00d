/**
 * The figures of one runner as table cells, shared by the terminal table and the Markdown so the two
 * always agree. Columns carry a priority: a narrow terminal drops the least important ones first.
 */
import { formatMs, formatRate, formatRatio } from '../report/format.js';
import { taskOverhead } from './recommend.js';
import type { RunnerFigures, TaskBenchResult } from './result.js';

/** One column. */
export interface Column {
  readonly header: string;
  /** Lower is more important; the runner column is 0 and never dropped. */
  readonly priority: number;
  readonly cell: (r: RunnerFigures, result: TaskBenchResult) => string;
  readonly align?: 'left' | 'right';
}

const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : formatMs(v));
const mb = (v: number | null | undefined): string =>
  v === null || v === undefined ? '-' : `${v.toFixed(1)} MB`;

function overhead(r: RunnerFigures, result: TaskBenchResult): string {
  if (r.id === 'serial') return '-';
  const serial = result.runners.find((s) => s.id === 'serial');
  const ms = taskOverhead(r, serial?.warm?.p50 ?? null);
  if (ms === null) return '-';
  return ms === 0 ? '≈0' : `+${formatMs(ms)}`;
}

function results(r: RunnerFigures, result: TaskBenchResult): string {
  if (r.id === 'serial') return r.digests.length > 0 ? 'reference' : '-';
  const d = result.divergences.find((x) => x.id === r.id);
  if (d) {
    const shown = d.tasks.slice(0, 3).map((i) => `#${i + 1}`);
    return `DIFFER (${shown.join(',')}${d.tasks.length > 3 ? ',…' : ''})`;
  }
  return r.digests.some((x) => !x.startsWith('failed:')) ? 'same' : '-';
}

function failures(r: RunnerFigures): string {
  const kinds = Object.entries(r.failures).map(([k, n]) => `${k}×${n}`);
  if (r.error && kinds.length === 0) {
    if (r.error.startsWith('the task killed its host')) return 'host killed';
    return r.error.startsWith('no report within') ? 'hung' : 'not measured';
  }
  return kinds.length > 0 ? kinds.join(' ') : 'none';
}

/**
 * Every column, in display order.
 *
 * @example
 * ```ts
 * COLUMNS.map((c) => c.header); // ['runner', 'cold', 'p50', …]
 * ```
 */
export const COLUMNS: readonly Column[] = [
  { header: 'runner', priority: 0, cell: (r) => r.id, align: 'left' },
  { header: 'cold', priority: 2, cell: (r) => ms(r.coldMs) },
  { header: 'p50', priority: 1, cell: (r) => ms(r.warm?.p50) },
  { header: 'p95', priority: 6, cell: (r) => ms(r.warm?.p95) },
  { header: 'p99', priority: 7, cell: (r) => ms(r.warm?.p99) },
  { header: 'overhead', priority: 3, cell: overhead },
  {
    header: 'throughput',
    priority: 1,
    cell: (r) => (r.throughput ? `${formatRate(r.throughput.tasksPerSecond)} (${r.throughput.tasks})` : '-'),
  },
  {
    header: 'CPU',
    priority: 5,
    cell: (r) => (r.throughput?.cpuCores != null ? `${r.throughput.cpuCores.toFixed(2)}c` : '-'),
  },
  {
    header: 'speedup',
    priority: 2,
    cell: (r) => (r.throughput?.speedup != null ? formatRatio(r.throughput.speedup) : '-'),
  },
  { header: 'MB/worker', priority: 4, cell: (r) => mb(r.memory?.perWorkerMb) },
  { header: 'peak', priority: 8, cell: (r) => mb(r.memory?.peakMb) },
  { header: 'results', priority: 1, cell: results, align: 'left' },
  { header: 'failures', priority: 3, cell: failures, align: 'left' },
];
