/**
 * Hand-written SVG bar charts for the docs (no chart library runs on Node 20 here, and a bar chart does
 * not need one): horizontal bars, one per subject, coloured by kind (isolane driver, raw baseline,
 * peer), log scale where figures span orders of magnitude. Pure string output, deterministic for a
 * given result, so the docs diff cleanly.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult, SubjectInfo } from '../result.js';
import { formatMs, formatRate, formatRatio } from './format.js';

/** One bar. */
export interface Bar {
  readonly label: string;
  readonly value: number;
  /** The text printed at the end of the bar. */
  readonly text: string;
  readonly kind: SubjectInfo['kind'];
}

/** A chart to draw. */
export interface ChartSpec {
  readonly title: string;
  readonly subtitle: string;
  readonly bars: readonly Bar[];
  readonly log?: boolean;
  /** A vertical reference line (e.g. the ideal speedup), with its label. */
  readonly reference?: { readonly value: number; readonly label: string };
}

const COLORS: Record<SubjectInfo['kind'], string> = {
  driver: '#2563eb',
  baseline: '#6b7280',
  peer: '#ea580c',
};
const WIDTH = 760;
const LABEL_W = 250;
const TEXT_W = 110;
const ROW_H = 24;
const TOP = 74;

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const num = (n: number): string => (Math.round(n * 10) / 10).toString();

/**
 * Draws a horizontal bar chart as an SVG document.
 *
 * @example
 * ```ts
 * barChart({ title: 'Warm p50', subtitle: 'ms, log scale', log: true, bars: [{ label: 'piscina', value: 0.05, text: '50 µs', kind: 'peer' }] });
 * ```
 */
export function barChart(spec: ChartSpec): string {
  const bars = spec.bars.filter((b) => Number.isFinite(b.value) && b.value > 0);
  const plotW = WIDTH - LABEL_W - TEXT_W;
  const height = TOP + Math.max(1, bars.length) * ROW_H + 44;
  const values = bars.map((b) => b.value).concat(spec.reference ? [spec.reference.value] : []);
  const max = values.length > 0 ? Math.max(...values) : 1;
  const min = values.length > 0 ? Math.min(...values) : 1;
  let scale: (v: number) => number;
  if (spec.log) {
    const lo = Math.log10(min) - 0.3;
    const hi = Math.log10(max) + 0.05;
    const span = hi - lo || 1;
    scale = (v) => ((Math.log10(v) - lo) / span) * plotW;
  } else {
    scale = (v) => (v / (max * 1.05)) * plotW;
  }
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="600" fill="#111827">${esc(spec.title)}</text>`,
    `<text x="12" y="40" fill="#4b5563">${esc(spec.subtitle)}</text>`,
  ];
  bars.forEach((b, i) => {
    const y = TOP + i * ROW_H;
    const w = Math.max(2, scale(b.value));
    out.push(
      `<text x="${LABEL_W - 8}" y="${num(y + 15)}" text-anchor="end" fill="#111827">${esc(b.label)}</text>`,
      `<rect x="${LABEL_W}" y="${num(y + 4)}" width="${num(w)}" height="${ROW_H - 8}" rx="2" fill="${COLORS[b.kind]}"/>`,
      `<text x="${num(LABEL_W + w + 6)}" y="${num(y + 15)}" fill="#374151">${esc(b.text)}</text>`,
    );
  });
  if (spec.reference && Number.isFinite(spec.reference.value) && spec.reference.value > 0) {
    const x = LABEL_W + scale(spec.reference.value);
    const bottom = TOP + bars.length * ROW_H;
    out.push(
      `<line x1="${num(x)}" y1="${TOP - 4}" x2="${num(x)}" y2="${bottom}" stroke="#16a34a" stroke-dasharray="4 3"/>`,
      `<text x="${num(x + 4)}" y="${TOP - 8}" fill="#16a34a">${esc(spec.reference.label)}</text>`,
    );
  }
  const legendY = height - 16;
  let lx = 12;
  for (const [kind, label] of [
    ['driver', 'isolane driver'],
    ['baseline', 'raw baseline'],
    ['peer', 'peer library'],
  ] as const) {
    out.push(
      `<rect x="${lx}" y="${legendY - 10}" width="12" height="12" fill="${COLORS[kind]}"/>`,
      `<text x="${lx + 18}" y="${legendY}" fill="#374151">${label}</text>`,
    );
    lx += 130;
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/**
 * Every chart a result supports, by file name.
 *
 * @example
 * ```ts
 * renderCharts(result).map((c) => c.file); // ['latency-cold.svg', 'latency-warm.svg', ...]
 * ```
 */
export function renderCharts(result: BenchResult): { file: string; title: string; svg: string }[] {
  const subject = (id: string): SubjectInfo => result.subjects.find((s) => s.id === id)!;
  /** One bar of a subject's row: its label (plus a marker), the value drawn and the text beside it. */
  const bar = (id: string, value: number, text: string, marker = ''): Bar => ({
    label: `${subject(id).label}${marker}`,
    value,
    text,
    kind: subject(id).kind,
  });
  const charts: { file: string; spec: ChartSpec }[] = [];
  const when = `${result.machine.cores} cores, Node ${result.machine.node}, ${result.startedAt.slice(0, 10)}`;
  if (result.latency) {
    const rows = result.latency.filter((r) => !r.error);
    charts.push({
      file: 'latency-cold.svg',
      spec: {
        title: 'Cold start: open + first trivial task (p50)',
        subtitle: `log scale, lower is better · ${when}`,
        log: true,
        bars: rows.flatMap((r) => (r.cold ? [bar(r.subject, r.cold.p50, formatMs(r.cold.p50))] : [])),
      },
    });
    charts.push({
      file: 'latency-warm.svg',
      spec: {
        title: 'Warm round trip of a trivial task (p50)',
        subtitle: `log scale, lower is better · per-task models prespawned, one task every 150 ms · ${when}`,
        log: true,
        bars: rows.flatMap((r) =>
          r.warm
            ? [bar(r.subject, r.warm.p50, formatMs(r.warm.p50), r.warmMode === 'prespawned' ? ' *' : '')]
            : [],
        ),
      },
    });
  }
  if (result.throughput) {
    charts.push({
      file: 'throughput.svg',
      spec: {
        title: 'Throughput: trivial tasks in flight (tasks/s)',
        subtitle: `log scale, higher is better · per-task models spawn per task · ${when}`,
        log: true,
        bars: result.throughput
          .filter((r) => !r.error)
          .map((r) => bar(r.subject, r.tasksPerSecond, formatRate(r.tasksPerSecond))),
      },
    });
  }
  if (result.scaling) {
    const sc = result.scaling;
    charts.push({
      file: 'scaling.svg',
      spec: {
        title: `OS-level parallelism: ${sc.tasks} CPU tasks of ~${sc.taskMs} ms, speedup over serial`,
        subtitle: `higher is better · ideal = ${result.machine.cores} cores · ${when}`,
        reference: { value: result.machine.cores, label: `${result.machine.cores}× (cores)` },
        bars: sc.rows.filter((r) => !r.error).map((r) => bar(r.subject, r.speedup, formatRatio(r.speedup))),
      },
    });
    if (sc.cpuBatch.rows.length > 0) {
      charts.push({
        file: 'cpu-batch.svg',
        spec: {
          title: `${sc.cpuBatch.tasks} tasks of ~${sc.cpuBatch.taskMs} ms CPU: wall time`,
          subtitle: `lower is better · ideal ${formatMs(sc.cpuBatch.idealMs)} · ${when}`,
          reference: { value: sc.cpuBatch.idealMs, label: 'ideal' },
          bars: sc.cpuBatch.rows.filter((r) => !r.error).map((r) => bar(r.subject, r.ms, formatMs(r.ms))),
        },
      });
    }
  }
  const memory = result.isolation?.rows.filter((r) => r.probe === 'memory' && r.value !== undefined) ?? [];
  if (memory.length > 0) {
    charts.push({
      file: 'memory.svg',
      spec: {
        title: 'Memory per worker (RSS added, host + child processes)',
        subtitle: `lower is better · in-process subjects have no worker · ${when}`,
        bars: memory.map((r) => bar(r.subject, r.value!, `${r.value!.toFixed(1)} MB`)),
      },
    });
  }
  return charts.map((c) => ({ file: c.file, title: c.spec.title, svg: barChart(c.spec) }));
}

/**
 * Writes every chart of a result into `dir`; returns the paths written.
 *
 * @example
 * ```ts
 * writeCharts(result, 'docs/charts'); // ['docs/charts/latency-cold.svg', ...]
 * ```
 */
export function writeCharts(result: BenchResult, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return renderCharts(result).map((c) => {
    const path = join(dir, c.file);
    writeFileSync(path, c.svg);
    return path;
  });
}
