/**
 * The speed targets the driver issues set (issue 3: thread and fork; issue 4: pool; issue 15: a group
 * per request; issue 16: queue; issue 17: the pool's process runtime), checked against the
 * figures of one run. A target whose figures were not measured (driver unavailable or filtered out) is
 * listed with `met: null` rather than dropped, so a missing driver cannot pass silently.
 */
import type { BenchResult, TargetRow } from './result.js';

type Figures = Pick<BenchResult, 'latency' | 'throughput' | 'scaling' | 'machine'> &
  Partial<Pick<BenchResult, 'messages'>>;

function row(
  id: string,
  issue: number,
  description: string,
  measured: number | null | undefined,
  comparator: '<=' | '>=',
  limit: number,
  unit: string,
  note?: string,
): TargetRow {
  const value = measured === undefined || measured === null || !Number.isFinite(measured) ? null : measured;
  const met = value === null ? null : comparator === '<=' ? value <= limit : value >= limit;
  return { id, issue, description, measured: value, comparator, limit, unit, met, ...(note ? { note } : {}) };
}

/**
 * Checks every target against a run's figures.
 *
 * @example
 * ```ts
 * checkTargets(result).filter((t) => t.met === false); // the targets this run missed
 * ```
 */
export function checkTargets(result: Figures): TargetRow[] {
  const lat = (id: string) => result.latency?.find((r) => r.subject === id && !r.error);
  const thr = (id: string) => result.throughput?.find((r) => r.subject === id && !r.error);
  const scale = (id: string) => result.scaling?.rows.find((r) => r.subject === id && !r.error);
  const batch = (id: string) => result.scaling?.cpuBatch.rows.find((r) => r.subject === id && !r.error);
  const gain = (id: string): number | null => {
    const r = lat(id);
    return r?.cold && r.warm ? r.cold.p50 / r.warm.p50 : null;
  };
  const ratioOf = (a: number | undefined, b: number | undefined): number | null =>
    a === undefined || b === undefined || !(b > 0) ? null : a / b;
  const cores = result.machine.cores;
  return [
    row(
      'thread-cold',
      3,
      'thread cold per-task latency p50 vs raw new Worker',
      lat('thread')?.coldVs?.ratio,
      '<=',
      1.1,
      'x',
    ),
    row(
      'fork-cold',
      3,
      'fork cold per-task latency p50 vs raw child_process.fork',
      lat('fork')?.coldVs?.ratio,
      '<=',
      1.1,
      'x',
    ),
    row(
      'thread-prespawn',
      3,
      'thread prespawned p50, one task every 150 ms',
      lat('thread')?.warm?.p50,
      '<=',
      2,
      'ms',
    ),
    row(
      'fork-prespawn',
      3,
      'fork prespawned p50, one task every 150 ms',
      lat('fork')?.warm?.p50,
      '<=',
      3,
      'ms',
    ),
    row('thread-prespawn-gain', 3, 'thread: cold p50 / prespawned p50', gain('thread'), '>=', 10, 'x'),
    row('fork-prespawn-gain', 3, 'fork: cold p50 / prespawned p50', gain('fork'), '>=', 10, 'x'),
    row(
      'pool-warm',
      4,
      'pool sequential warm round trip p50 vs raw postMessage ping-pong',
      lat('pool')?.warmVs?.ratio,
      '<=',
      1.1,
      'x',
    ),
    row(
      'pool-throughput',
      4,
      'pool throughput (trivial tasks through one WaitGroup) vs poolifier',
      ratioOf(thr('pool')?.tasksPerSecond, thr('poolifier')?.tasksPerSecond),
      '>=',
      3,
      'x',
    ),
    row(
      'pool-overhead',
      4,
      'pool time on many 1 ms CPU tasks vs raw piscina',
      ratioOf(batch('pool')?.ms, batch('piscina')?.ms),
      '<=',
      1.1,
      'x',
    ),
    row(
      'pool-scaling',
      4,
      'pool speedup over serial on CPU-bound tasks',
      scale('pool')?.speedup,
      '>=',
      1.85,
      'x',
      cores === 2 ? undefined : `the target is stated for 2 cores; this machine has ${cores}`,
    ),
    row(
      'pool-process-warm',
      17,
      'pool (processes) sequential warm round trip p50 vs raw child_process IPC ping-pong',
      lat('pool-process')?.warmVs?.ratio,
      '<=',
      1.1,
      'x',
    ),
    row(
      'pool-process-warm-vs-tinypool',
      17,
      'pool (processes) warm round trip vs tinypool child_process (each as its ratio to the raw process ping-pong it alternated with)',
      ratioOf(lat('pool-process')?.warmVs?.ratio, lat('tinypool-process')?.warmVs?.ratio),
      '<=',
      1,
      'x',
    ),
    row(
      'pool-process-throughput',
      17,
      'pool (processes) throughput (trivial tasks through one WaitGroup) vs tinypool child_process',
      ratioOf(thr('pool-process')?.tasksPerSecond, thr('tinypool-process')?.tasksPerSecond),
      '>=',
      3,
      'x',
    ),
    row(
      'pool-process-scaling',
      17,
      'pool (processes) speedup over serial on CPU-bound tasks',
      scale('pool-process')?.speedup,
      '>=',
      1.85,
      'x',
      cores === 2 ? undefined : `the target is stated for 2 cores; this machine has ${cores}`,
    ),
    row(
      'pool-per-request',
      15,
      'pool, a new WaitGroup per request: round trip p50 vs raw postMessage ping-pong',
      lat('pool')?.warmVs?.ratio,
      '<=',
      1,
      'x',
    ),
    row(
      'pool-per-request-vs-reused',
      15,
      'pool, a new WaitGroup per request vs one reused group (go + take that one completion)',
      lat('pool')?.perRequestVsReused,
      '<=',
      2,
      'x',
    ),
    row(
      'cooperative-per-request',
      15,
      'cooperative, a new WaitGroup per request vs p-limit with a structuredClone of argument and result',
      lat('cooperative')?.warmVs?.baseline === 'p-limit-clone' ? lat('cooperative')?.warmVs?.ratio : null,
      '<=',
      3,
      'x',
    ),
    row(
      'new-group',
      15,
      "new WaitGroup({ driver: 'pool' }) vs structuredClone of a small object",
      lat('pool')?.construction?.ratio,
      '<=',
      3,
      'x',
    ),
    row(
      'queue-warm',
      16,
      'queue sequential warm round trip p50 vs raw BullMQ (same loopback Redis)',
      lat('queue')?.warmVs?.ratio,
      '<=',
      1.2,
      'x',
    ),
    row(
      'queue-throughput',
      16,
      'queue throughput (trivial tasks through 2 workers) vs raw BullMQ',
      ratioOf(thr('queue')?.tasksPerSecond, thr('raw-bullmq')?.tasksPerSecond),
      '>=',
      1,
      'x',
    ),
    row(
      'pool-messages',
      18,
      'pool: task -> caller messages per second vs a raw MessagePort stream',
      result.messages?.rows.find((r) => r.subject === 'pool' && r.error === undefined)?.ratio,
      '>=',
      0.5,
      'x',
    ),
  ];
}
