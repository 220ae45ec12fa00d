/**
 * The bench run: select subjects, find out which drivers can load, run every unit of the chosen measures
 * in its own child process (timed units strictly one at a time, so they never compete for the cores;
 * probes a few at a time, since they are observed, not timed), then assemble one result with the
 * ratios against the same run's baselines and the issues' targets. Timed units are launched through an
 * isolane WaitGroup (child/unit-launcher.ts): the progress bar shows each one's progress as its group's
 * `onProgress` reports it.
 */
import { readFileSync } from 'node:fs';
import type { ChildOutcome } from './child/run-in-child.js';
import type { Unit } from './child/unit.js';
import { forkUnitLauncher, type UnitLauncher } from './child/unit-launcher.js';
import { CPU_BATCH_BASELINE, compareCpuBatch, compareLatency, compareThroughput } from './compare.js';
import { loadAverage1m, machineInfo } from './machine.js';
import { probesFor, runProbe } from './measures/isolation.js';
import type { MessagesResult } from './measures/messages.js';
import { calibrateCpu } from './measures/scaling.js';
import { isPaired, medianPairedRun } from './paired.js';
import { makePlan, type Plan } from './plan.js';
import { PROBES, type ProbeDef, probeById } from './probes/probe-list.js';
import { type Progress, silentProgress } from './progress.js';
import type {
  BenchResult,
  CpuBatchRow,
  LatencyRow,
  MeasureName,
  ProbeRow,
  ScalingResult,
  ScalingRow,
  SubjectInfo,
  ThroughputRow,
} from './result.js';
import { selectSubjects, subjectById } from './subjects/catalogue.js';
import { describeSubject } from './subjects/describe-subject.js';
import { DRIVER_IDS, type DriverId, loadDriverFactory } from './subjects/isolane.js';
import type { Subject } from './subjects/subject.js';
import { checkTargets } from './targets.js';

/** What to run. */
export interface BenchOptions {
  /** The subcommand, recorded in the result. */
  readonly command: string;
  readonly measures: readonly MeasureName[];
  readonly quick: boolean;
  /** Driver families to include (undefined = all, [] = none). */
  readonly drivers?: readonly string[];
  /** Peer families to include (undefined = all, [] = none). */
  readonly peers?: readonly string[];
  /** Probe ids to run (undefined = all). */
  readonly probes?: readonly string[];
  readonly progress?: Progress;
  /** How timed units are launched (default: through a WaitGroup on a `fork` driver). */
  readonly launcher?: UnitLauncher;
}

const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

async function availability(subjects: readonly Subject[]): Promise<SubjectInfo[]> {
  return Promise.all(
    subjects.map(async (s): Promise<SubjectInfo> => {
      const info = describeSubject(s);
      const reason = await s.unavailable?.();
      if (reason !== undefined) return { ...info, available: false, unavailableReason: reason };
      if (s.kind !== 'driver' || !(DRIVER_IDS as readonly string[]).includes(s.family))
        return { ...info, available: true };
      try {
        await loadDriverFactory(s.family as DriverId);
        return { ...info, available: true };
      } catch (err) {
        return { ...info, available: false, unavailableReason: (err as Error).message };
      }
    }),
  );
}

function failureText(outcome: Exclude<ChildOutcome, { status: 'ok' }>, timeoutMs: number): string {
  const tail =
    'stderr' in outcome && outcome.stderr
      ? `: ${outcome.stderr.split('\n').filter(Boolean).slice(-2).join(' | ')}`
      : '';
  switch (outcome.status) {
    case 'error':
      return `${outcome.message}${tail}`.slice(0, 400);
    case 'killed':
      return `the measuring process died (${outcome.signal ?? `exit code ${outcome.exitCode}`})${tail}`.slice(
        0,
        400,
      );
    case 'hung':
      return `did not finish within ${timeoutMs / 1000} s${tail}`.slice(0, 400);
  }
}

/** How a timed unit is run: by `launcher`, its progress reports shown next to `label`. */
interface Timing {
  readonly plan: Plan;
  readonly launcher: UnitLauncher;
  readonly progress: Progress;
}

/** Runs a timed unit in its own process; resolves with its data or an error text. */
async function timed<T>(unit: Unit, label: string, t: Timing): Promise<{ data: T } | { error: string }> {
  const timeoutMs = t.plan.quick ? 45_000 : 150_000;
  const note = t.progress.note;
  const outcome = await t.launcher.run(unit, { timeoutMs }, note ? (text) => note(label, text) : undefined);
  return outcome.status === 'ok' ? { data: outcome.data as T } : { error: failureText(outcome, timeoutMs) };
}

const fmt = (ms: number): string =>
  ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(1)} ms` : `${(ms * 1000).toFixed(0)} µs`;

/**
 * Runs the bench and returns its result (progress goes to `options.progress`).
 *
 * @example
 * ```ts
 * const result = await runBench({ command: 'all', measures: MEASURES, quick: true });
 * ```
 */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const started = performance.now();
  const loadAtStart = loadAverage1m();
  const startedAt = new Date().toISOString();
  const plan = makePlan(options.quick);
  const progress = options.progress ?? silentProgress();
  const selected = selectSubjects({
    ...(options.drivers ? { drivers: options.drivers } : {}),
    ...(options.peers ? { peers: options.peers } : {}),
  });
  if (selected.length === 0) {
    throw new Error(
      `nothing to measure: --drivers ${options.drivers?.length ? options.drivers.join(',') : 'none'} --peers ${options.peers?.length ? options.peers.join(',') : 'none'} selects no subject (name at least one driver or peer)`,
    );
  }
  const subjects = await availability(selected);
  const measured = selected.filter((s) => subjects.find((i) => i.id === s.id)?.available);
  const probeIds = options.probes ?? plan.probes.only;
  for (const id of options.probes ?? []) probeById(id); // unknown names fail before anything runs
  const probes: readonly ProbeDef[] = probeIds ? PROBES.filter((p) => probeIds.includes(p.id)) : PROBES;
  const want = new Set(options.measures);
  // Task messages are measured on the pool (threads and processes) next to a raw MessagePort stream.
  const wantMessages = want.has('messages') && measured.some((s) => s.id === 'pool');

  // The 1 ms CPU batch answers one question — what the WaitGroup layer adds over raw piscina — and costs
  // ~10 s a row at full size, so it runs for those two only.
  const batchSubjects = measured.filter((s) => s.id === 'pool' || s.id === CPU_BATCH_BASELINE);
  const probePairs = want.has('isolation')
    ? measured.flatMap((s) => probesFor(s, probes).map((p) => ({ s, p })))
    : [];
  const total =
    (want.has('latency') ? measured.length : 0) +
    (want.has('throughput') ? measured.length : 0) +
    (want.has('scaling') ? 1 + measured.length + batchSubjects.length : 0) +
    probePairs.length +
    (wantMessages ? 1 : 0);
  progress.start(total);
  const launcher = options.launcher ?? forkUnitLauncher();
  const t: Timing = { plan, launcher, progress };
  let latency: LatencyRow[] | undefined;
  let throughput: ThroughputRow[] | undefined;
  let scaling: ScalingResult | undefined;
  let isolation: BenchResult['isolation'];
  let messages: MessagesResult | undefined;
  try {
    if (want.has('latency')) {
      latency = [];
      for (const s of measured) {
        const runs: LatencyRow[] = [];
        progress.begin?.(`latency ${s.id}`);
        for (let i = 0; i < (isPaired(s) ? plan.latency.pairedProcesses : 1); i++) {
          const out = await timed<LatencyRow>({ kind: 'latency', subject: s.id, plan }, `latency ${s.id}`, t);
          runs.push(
            'data' in out
              ? out.data
              : { subject: s.id, cold: null, warm: null, warmMode: null, error: out.error },
          );
        }
        const row = medianPairedRun(runs);
        latency.push(row);
        progress.tick(
          `latency ${s.id}`,
          row.error
            ? 'error'
            : `cold ${row.cold ? fmt(row.cold.p50) : '-'} warm ${row.warm ? fmt(row.warm.p50) : '-'}`,
        );
      }
      latency = compareLatency(latency, (id) => subjectById(id).baselines);
    }

    if (want.has('throughput')) {
      throughput = [];
      for (const s of measured) {
        progress.begin?.(`throughput ${s.id}`);
        const out = await timed<ThroughputRow>(
          { kind: 'throughput', subject: s.id, plan },
          `throughput ${s.id}`,
          t,
        );
        const row: ThroughputRow =
          'data' in out
            ? out.data
            : { subject: s.id, tasks: 0, ok: 0, ms: 0, tasksPerSecond: 0, error: out.error };
        throughput.push(row);
        progress.tick(
          `throughput ${s.id}`,
          row.error ? 'error' : `${Math.round(row.tasksPerSecond)} tasks/s`,
        );
      }
      throughput = compareThroughput(throughput, (id) => subjectById(id).baselines);
    }

    if (want.has('scaling')) {
      const perMs = calibrateCpu();
      const iterations = Math.round(perMs * plan.scaling.taskMs);
      const batchIterations = Math.max(1, Math.round(perMs * plan.cpuBatch.taskMs));
      progress.begin?.('scaling serial');
      const serial = await timed<number>({ kind: 'serial', plan, iterations }, 'scaling serial', t);
      if (!('data' in serial)) throw new Error(`the serial reference failed: ${serial.error}`);
      const serialMs = serial.data;
      progress.tick('scaling serial', fmt(serialMs));
      const rows: ScalingRow[] = [];
      for (const s of measured) {
        progress.begin?.(`scaling ${s.id}`);
        const out = await timed<number>(
          { kind: 'scaling', subject: s.id, plan, iterations },
          `scaling ${s.id}`,
          t,
        );
        const row: ScalingRow =
          'data' in out
            ? { subject: s.id, ms: out.data, speedup: serialMs / out.data }
            : { subject: s.id, ms: 0, speedup: 0, error: out.error };
        rows.push(row);
        progress.tick(`scaling ${s.id}`, row.error ? 'error' : `${row.speedup.toFixed(2)}x`);
      }
      const batchRows: CpuBatchRow[] = [];
      for (const s of batchSubjects) {
        progress.begin?.(`cpu batch ${s.id}`);
        const out = await timed<number>(
          { kind: 'cpu-batch', subject: s.id, plan, iterations: batchIterations },
          `cpu batch ${s.id}`,
          t,
        );
        const row: CpuBatchRow =
          'data' in out
            ? { subject: s.id, ms: out.data, tasksPerSecond: (plan.cpuBatch.tasks / out.data) * 1_000 }
            : { subject: s.id, ms: 0, tasksPerSecond: 0, error: out.error };
        batchRows.push(row);
        progress.tick(`cpu batch ${s.id}`, row.error ? 'error' : fmt(row.ms));
      }
      scaling = {
        tasks: plan.scaling.tasks,
        taskMs: plan.scaling.taskMs,
        iterations,
        serialMs,
        rows,
        cpuBatch: {
          tasks: plan.cpuBatch.tasks,
          taskMs: plan.cpuBatch.taskMs,
          iterations: batchIterations,
          idealMs: (plan.cpuBatch.tasks * plan.cpuBatch.taskMs) / plan.concurrency,
          rows: compareCpuBatch(batchRows),
        },
      };
    }

    if (want.has('isolation')) {
      const rows: (ProbeRow | undefined)[] = new Array(probePairs.length);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < probePairs.length) {
          const i = next++;
          const { s, p } = probePairs[i]!;
          progress.begin?.(`probe ${p.id} ${s.id}`);
          const row = await runProbe(s, p.id, plan);
          rows[i] = row;
          progress.tick(`probe ${p.id} ${s.id}`, row.verdict);
        }
      };
      await Promise.all(Array.from({ length: plan.probes.parallel }, worker));
      isolation = {
        probes: probes.map(({ id, category, title, description }) => ({ id, category, title, description })),
        rows: rows.filter((r): r is ProbeRow => r !== undefined),
      };
    }
    if (wantMessages) {
      progress.begin?.('messages pool');
      const out = await timed<MessagesResult>({ kind: 'messages', plan }, 'messages pool', t);
      if ('data' in out) messages = out.data;
      const pool = messages?.rows.find((r) => r.subject === 'pool');
      progress.tick(
        'messages pool',
        'error' in out
          ? `error: ${out.error}`
          : pool?.ratio !== undefined
            ? `${Math.round(pool.perSecond.p50)} msg/s, ${pool.ratio.toFixed(2)}x raw`
            : 'no figure',
      );
    }
  } finally {
    await launcher.close();
  }
  progress.stop();

  const machine = machineInfo(loadAtStart);
  const figures = {
    machine,
    ...(latency ? { latency } : {}),
    ...(throughput ? { throughput } : {}),
    ...(scaling ? { scaling } : {}),
    ...(messages ? { messages } : {}),
  };
  return {
    schema: 'isolane-bench-result',
    schemaVersion: 1,
    tool: { name: 'isolane-bench', version: VERSION },
    command: options.command,
    startedAt,
    durationMs: performance.now() - started,
    mode: options.quick ? 'quick' : 'full',
    plan,
    subjects,
    ...figures,
    ...(isolation ? { isolation } : {}),
    targets: checkTargets(figures),
  };
}
