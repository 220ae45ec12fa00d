/**
 * The comparison table's cells, derived from a result once for every renderer: one row per subject with
 * measured parallelism, cold/warm latency (with ratios to the same run's baselines), throughput, the
 * state and crash probe verdicts condensed, and memory per worker.
 */
import type { BenchResult, ProbeRow, SubjectInfo } from '../result.js';
import { formatMs, formatRate, formatRatio } from './format.js';
import { MIN_RATIO_SAMPLES, maxSpeedup, speedupIsNoise } from './noise.js';
import { PER_REQUEST_NOTES, reusedCell } from './per-request.js';

/** One row of the comparison table, as text cells. */
export interface SummaryRow {
  readonly subject: SubjectInfo;
  readonly parallelism: string;
  readonly cold: string;
  readonly warm: string;
  /** Isolane drivers: one long-lived group's round trip (`warm` is a group per request). */
  readonly reused: string;
  readonly throughput: string;
  readonly state: string;
  readonly crash: string;
  readonly memory: string;
}

const SHORT_VERDICT: Record<string, string> = {
  'host killed': 'host killed',
  'siblings failed': 'sibling failed',
  'stopped serving': 'stopped serving',
  'not detected': 'not detected',
  hung: 'hung',
  error: 'error',
};

/** The short names of probes in condensed cells. */
export const PROBE_SHORT: Record<string, string> = {
  global: 'global',
  prototype: 'proto',
  env: 'env',
  argument: 'args',
  exit: 'exit',
  'async-throw': 'throw',
  'unhandled-rejection': 'reject',
  'late-throw': 'late',
  oom: 'oom',
  loop: 'loop',
  segfault: 'segv',
  memory: 'memory',
};

/**
 * A time with its ratio to the baseline, worded by direction ("1.20× slower", "2.10× faster"); a ratio
 * from fewer than MIN_RATIO_SAMPLES samples is flagged as noise instead of printed.
 */
function withTimeRatio(
  value: string,
  r: { ratio: number; baseline: string } | undefined,
  samples: number | undefined,
): string {
  if (!r) return value;
  if (samples !== undefined && samples < MIN_RATIO_SAMPLES) return `${value} (ratio: noise, n=${samples})`;
  return `${value} (${directedRatio(r.ratio, 'time')})`;
}

/**
 * A ratio worded by its direction: for times (this / baseline) above 1 is slower, for rates above 1
 * is faster; 1.00× is "same".
 *
 * @example
 * ```ts
 * directedRatio(1.2, 'time'); // '1.20× slower'
 * directedRatio(0.5, 'time'); // '2.00× faster'
 * directedRatio(6.8, 'rate'); // '6.80× faster'
 * ```
 */
export function directedRatio(ratio: number, kind: 'time' | 'rate'): string {
  if (!Number.isFinite(ratio) || ratio <= 0) return '-';
  const faster = kind === 'time' ? ratio < 1 : ratio > 1;
  const factor = ratio >= 1 ? ratio : 1 / ratio;
  if (formatRatio(factor) === '1.00×') return 'same';
  return `${formatRatio(factor)} ${faster ? 'faster' : 'slower'}`;
}

function stateCell(rows: readonly ProbeRow[]): string {
  if (rows.length === 0) return 'n/a';
  const unsafe = rows.filter((r) => r.safe !== true);
  if (unsafe.length === 0) return `isolated (${rows.length}/${rows.length})`;
  const leaks = unsafe.filter((r) => r.verdict === 'leaks').map((r) => PROBE_SHORT[r.probe] ?? r.probe);
  const parts: string[] = [];
  if (leaks.length > 0) parts.push(`leaks ${leaks.join(',')}`);
  for (const r of unsafe) {
    if (r.verdict === 'leaks') continue;
    parts.push(r.verdict === 'shared' ? 'args shared' : `${PROBE_SHORT[r.probe] ?? r.probe}: ${r.verdict}`);
  }
  return parts.join('; ');
}

function crashCell(rows: readonly ProbeRow[]): string {
  if (rows.length === 0) return 'n/a';
  const contained = rows.filter((r) => r.safe === true).length;
  const others = rows
    .filter((r) => r.safe !== true)
    .map((r) => `${PROBE_SHORT[r.probe] ?? r.probe}: ${SHORT_VERDICT[r.verdict] ?? r.verdict}`);
  return others.length === 0
    ? `contained (${contained}/${rows.length})`
    : `${contained}/${rows.length}; ${others.join(', ')}`;
}

/**
 * The comparison rows of a result, in subject order, unavailable subjects included (with the reason).
 *
 * @example
 * ```ts
 * summarizeResult(result).map((r) => [r.subject.label, r.cold]);
 * ```
 */
export function summarizeResult(result: BenchResult): SummaryRow[] {
  return result.subjects.map((subject) => {
    if (!subject.available) {
      const why = `unavailable: ${subject.unavailableReason ?? 'unknown reason'}`;
      return {
        subject,
        parallelism: why,
        cold: '',
        warm: '',
        reused: '',
        throughput: '',
        state: '',
        crash: '',
        memory: '',
      };
    }
    const lat = result.latency?.find((r) => r.subject === subject.id);
    const thr = result.throughput?.find((r) => r.subject === subject.id);
    const sc = result.scaling?.rows.find((r) => r.subject === subject.id);
    const probes = result.isolation?.rows.filter((r) => r.subject === subject.id) ?? [];
    const mem = probes.find((r) => r.probe === 'memory');
    const dash = (measured: boolean): string => (measured ? 'error' : '-');
    return {
      subject,
      parallelism: sc
        ? sc.error
          ? 'error'
          : speedupIsNoise(sc.speedup, subject, result.machine)
            ? `noise (${formatRatio(sc.speedup)} > max ${maxSpeedup(subject, result.machine)})`
            : formatRatio(sc.speedup)
        : '-',
      cold: lat
        ? lat.error
          ? 'error'
          : lat.cold
            ? withTimeRatio(formatMs(lat.cold.p50), lat.coldVs, lat.cold.n)
            : 'n/a'
        : '-',
      warm: lat
        ? lat.error
          ? 'error'
          : lat.warm
            ? `${withTimeRatio(formatMs(lat.warm.p50), lat.warmVs, lat.warm.n)}${lat.warmMode === 'prespawned' ? ' *' : ''}`
            : dash(true)
        : '-',
      reused: result.latency ? reusedCell(subject, lat) : '-',
      throughput: thr
        ? thr.error
          ? 'error'
          : thr.vs
            ? `${formatRate(thr.tasksPerSecond)} (${directedRatio(thr.vs.ratio, 'rate')})`
            : formatRate(thr.tasksPerSecond)
        : '-',
      state: result.isolation
        ? subject.features.noProbes
          ? 'n/a'
          : stateCell(probes.filter((r) => probeCategory(result, r) === 'state'))
        : '-',
      crash: result.isolation
        ? subject.features.noProbes
          ? 'n/a'
          : crashCell(probes.filter((r) => probeCategory(result, r) === 'crash'))
        : '-',
      memory: mem ? (mem.value !== undefined ? `${mem.value.toFixed(1)} MB` : mem.verdict) : '-',
    };
  });
}

function probeCategory(result: BenchResult, row: ProbeRow): string | undefined {
  return result.isolation?.probes.find((p) => p.id === row.probe)?.category;
}

/** The legend printed under the comparison table. */
export const SUMMARY_NOTES: readonly string[] = [
  'parallelism: speedup of CPU-bound tasks submitted at once over the same tasks run serially on one thread',
  'cold: open + first trivial task, p50; warm: sequential round trip p50 on a warm session',
  ...PER_REQUEST_NOTES,
  '* warm for per-task models = a prespawned worker, one task every 150 ms',
  '(n.nn× faster/slower) = compared with the baseline row of the same run: raw new Worker / raw fork for cold (for thread and fork from samples taken in alternation with the baseline, same task module), raw ping-pong for warm pools (from blocks alternated with it in the same process; the raw child_process IPC ping-pong for process pools), p-limit with a structuredClone of argument and result for the cooperative driver’s warm (alternated the same way), raw new Worker / raw fork prespawned for warm per-task models, poolifier for throughput (tinypool child_process for the pool of processes, the raw IPC ping-pong for tinypool child_process); raw BullMQ for queue (warm alternated in blocks on the same Redis, and throughput)',
  `noise = a figure this machine cannot produce (a speedup above its core count, or above 1 for tasks on the host's own thread) or a ratio from fewer than ${MIN_RATIO_SAMPLES} samples: not a result`,
  'state: global/prototype/env leaks to the next task and argument snapshots; crash: process.exit, async throw, unhandled rejection, throw after return, OOM, infinite loop + timeout, native crash (SIGSEGV)',
];
