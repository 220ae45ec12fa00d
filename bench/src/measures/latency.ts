/**
 * Latency: the cost of one trivial task, submitted one at a time. Cold = open a fresh pool/driver/worker
 * and get the first result (each sample from scratch). Warm = a sequential round trip on a warm session
 * after a warm-up; for per-task models, whose every task is cold, warm means a prespawned worker and
 * one task every 150 ms (slower than a spawn, so the next worker is ready in time).
 *
 * For an isolane driver every warm round trip is a new `WaitGroup` per request (what a server does);
 * the same rounds also take round trips on one long-lived group (`reused`). Isolane drivers also get
 * the cost of constructing a group by name, and warm pools and their raw floors their CPU cost
 * (spin-poll) over sequential round trips and the idleness after them.
 */
import { LOCAL_DRIVERS } from '@isolane/core/driver-kit';
import { unitProgress } from '../child/unit-progress.js';
import { pairsCold, pairsWarm } from '../paired.js';
import type { Plan } from '../plan.js';
import type { GroupConstruction, LatencyRow, PairedCold, PairedWarm, SpinCost } from '../result.js';
import { ratio, type Stats, summarize } from '../stats.js';
import { type ReusedGroup, reusedGroupOf } from '../subjects/isolane.js';
import type { Session, SessionOptions, Subject } from '../subjects/subject.js';
import { measureGroupConstruction } from './group-construction.js';
import { measureSpinCost, SPIN_COST_SUBJECTS } from './spin-cost.js';

/** Anything a round trip can be taken through: a session (a group per request) or a reused group. */
type Runner = Pick<Session, 'run'>;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function coldSampleCount(subject: Subject, plan: Plan): number {
  const c = plan.latency.coldSamples;
  if (subject.features.inProcess) return c.inProcess;
  if (subject.features.processes) return c.process;
  return subject.features.perTask ? c.thread : c.pool;
}

/** One cold sample: open a fresh session, run one trivial task, close (the close is not timed). */
async function coldSample(
  subject: Subject,
  plan: Plan,
  extra: Partial<SessionOptions> = {},
): Promise<number> {
  const perTask = subject.features.perTask ? { prespawn: 0 } : {};
  const t0 = performance.now();
  const session = await subject.open({ concurrency: plan.concurrency, ...perTask, ...extra });
  try {
    await session.run('noop', 0);
    return performance.now() - t0;
  } finally {
    await session.close();
  }
}

async function cold(subject: Subject, plan: Plan): Promise<number[]> {
  const samples: number[] = [];
  const n = coldSampleCount(subject, plan);
  for (let i = 0; i < n; i++) {
    samples.push(await coldSample(subject, plan));
    unitProgress(`cold ${i + 1}/${n}`);
  }
  return samples;
}

/**
 * Cold samples of a per-task isolane subject taken in rotation with its cold baseline's and with its
 * own in-module task catalogue, one of each per round, in this one process: a machine whose speed
 * drifts over the minutes between units cannot bias the ratio.
 */
async function pairedCold(
  subject: Subject,
  baseline: Subject,
  plan: Plan,
): Promise<{ cold: number[]; paired: PairedCold | undefined }> {
  const series: { own: number[]; base: number[]; core: number[] } = { own: [], base: [], core: [] };
  const takers: Array<() => Promise<void>> = [
    async () => void series.own.push(await coldSample(subject, plan)),
    async () => void series.base.push(await coldSample(baseline, plan)),
    async () => void series.core.push(await coldSample(subject, plan, { tasksImportCore: true })),
  ];
  const n = coldSampleCount(subject, plan);
  for (let i = 0; i < n; i++) {
    // Rotate the order each round, so no series always runs right after another.
    for (let k = 0; k < takers.length; k++) await takers[(i + k) % takers.length]!();
    unitProgress(`cold ${i + 1}/${n}`);
  }
  const own = summarize(series.own);
  const base = summarize(series.base);
  const r = ratio(own.p50, base.p50);
  return {
    cold: series.own,
    paired:
      r === null
        ? undefined
        : { baseline: baseline.id, baselineCold: base, ratio: r, taskImportsCore: summarize(series.core) },
  };
}

/** Warm samples of a session, and of its reused group when it has one (alternated blocks). */
interface WarmSeries {
  readonly warm: number[];
  readonly reused?: number[];
}

async function warmSequential(subject: Subject, plan: Plan): Promise<WarmSeries> {
  const session = await subject.open({ concurrency: plan.concurrency });
  try {
    const group = reusedGroupOf(session);
    try {
      for (let i = 0; i < plan.latency.warmup; i++) {
        await session.run('noop', i);
        await group?.run('noop', i);
      }
      if (!group) return { warm: await sequentialSamples(session, plan.latency.warmSamples) };
      const block = Math.max(1, Math.ceil(plan.latency.warmSamples / WARM_ROUNDS));
      const series: WarmSeries = { warm: [], reused: [] };
      for (let round = 0; round < WARM_ROUNDS; round++) {
        const order: Array<[Runner, number[]]> = [
          [session, series.warm],
          [group, series.reused!],
        ];
        if (round % 2 === 1) order.reverse();
        for (const [runner, into] of order) into.push(...(await sequentialSamples(runner, block)));
        unitProgress(`warm round ${round + 1}/${WARM_ROUNDS}`);
      }
      return series;
    } finally {
      await group?.close();
    }
  } finally {
    await session.close();
  }
}

async function sequentialSamples(session: Runner, n: number): Promise<number[]> {
  const samples: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await session.run('noop', i);
    samples[i] = performance.now() - t0;
  }
  return samples;
}

/** Rounds the paired warm measure splits its samples into (one block of each subject per round). */
const WARM_ROUNDS = 30;

/**
 * Warm round trips of a pool (the driver or a peer) taken in alternating blocks with its warm
 * baseline's (the raw ping-pong), both sessions open in this one process: how fast threads wake each other varies from one
 * process to the next on some machines (virtual CPUs), and both sides of the ratio must see the same.
 */
async function pairedWarm(
  subject: Subject,
  baseline: Subject,
  plan: Plan,
): Promise<WarmSeries & { paired: PairedWarm | undefined }> {
  const own = await subject.open({ concurrency: plan.concurrency });
  let group: ReusedGroup | undefined;
  try {
    const base = await baseline.open({ concurrency: plan.concurrency });
    try {
      // An isolane driver's reused group joins the rotation: per request, reused and raw, same rounds.
      group = reusedGroupOf(own);
      const runners: Array<[Runner, number[]]> = [
        [own, []],
        [base, []],
      ];
      if (group) runners.push([group, []]);
      for (let i = 0; i < plan.latency.warmup; i++)
        for (const [runner] of runners) await runner.run('noop', i);
      const block = Math.max(1, Math.ceil(plan.latency.warmSamples / WARM_ROUNDS));
      for (let round = 0; round < WARM_ROUNDS; round++) {
        // Rotate the order each round, so no series always runs right after another.
        for (let k = 0; k < runners.length; k++) {
          const [runner, into] = runners[(round + k) % runners.length]!;
          into.push(...(await sequentialSamples(runner, block)));
        }
        unitProgress(`warm round ${round + 1}/${WARM_ROUNDS}`);
      }
      const ownSamples = runners[0]![1];
      const ownStats = summarize(ownSamples);
      const baseStats = summarize(runners[1]![1]);
      const r = ratio(ownStats.p50, baseStats.p50);
      return {
        warm: ownSamples,
        ...(group ? { reused: runners[2]![1] } : {}),
        paired: r === null ? undefined : { baseline: baseline.id, baselineWarm: baseStats, ratio: r },
      };
    } finally {
      await group?.close();
      await base.close();
    }
  } finally {
    await own.close();
  }
}

async function warmPrespawned(subject: Subject, plan: Plan): Promise<WarmSeries> {
  const session = await subject.open({ concurrency: plan.concurrency, prespawn: 1 });
  const group = reusedGroupOf(session);
  try {
    const series: WarmSeries = group ? { warm: [], reused: [] } : { warm: [] };
    const interval = plan.latency.prespawnIntervalMs;
    // One unmeasured task first: the first spawn may include loading code the later ones find cached.
    await sleep(interval);
    await session.run('noop', -1);
    for (let i = 0; i < plan.latency.prespawnSamples; i++) {
      // A per-request group and the reused group take turns, each after a full interval.
      const order: Array<[Runner, number[]]> = [[session, series.warm]];
      if (group) order.push([group, series.reused!]);
      if (i % 2 === 1) order.reverse();
      for (const [runner, into] of order) {
        await sleep(interval);
        const t0 = performance.now();
        await runner.run('noop', i);
        into.push(performance.now() - t0);
      }
      // Before the next interval's sleep: the report is not in a timed round trip.
      unitProgress(`warm ${i + 1}/${plan.latency.prespawnSamples}`);
    }
    return series;
  } finally {
    await group?.close();
    await session.close();
  }
}

/** The isolane driver a subject is by name (`new WaitGroup({ driver: name })`), if it is one. */
function namedDriver(subject: Subject): (typeof LOCAL_DRIVERS)[number] | undefined {
  if (subject.kind !== 'driver' || subject.id !== subject.family) return undefined;
  return LOCAL_DRIVERS.find((d) => d === subject.family);
}

/** The spin-poll CPU cost of a warm pool or raw floor, on a session of its own. */
async function spinCost(subject: Subject, plan: Plan): Promise<SpinCost> {
  const session = await subject.open({ concurrency: plan.concurrency });
  try {
    return await measureSpinCost(session, { tasks: plan.latency.spinTasks, idleMs: plan.latency.spinIdleMs });
  } finally {
    await session.close();
  }
}

/**
 * Measures one subject's cold and warm latency (runs inside a unit host).
 *
 * @example
 * ```ts
 * const row = await measureLatency(threadSubject, makePlan(true), subjectById); // paired with raw-worker
 * row.warm?.p50; // ~0.05 (ms)
 * ```
 */
export async function measureLatency(
  subject: Subject,
  plan: Plan,
  subjectById?: (id: string) => Subject,
): Promise<LatencyRow> {
  const baselineId = subject.baselines.cold;
  const pairWith = pairsCold(subject) && baselineId && subjectById ? subjectById(baselineId) : undefined;
  let coldSamples: number[] | null = null;
  let paired: PairedCold | undefined;
  if (pairWith) ({ cold: coldSamples, paired } = await pairedCold(subject, pairWith, plan));
  else if (!subject.features.noCold) coldSamples = await cold(subject, plan);
  const prespawned = subject.features.perTask;
  const warmBaselineId = subject.baselines.warm;
  const pairWarmWith =
    pairsWarm(subject) && warmBaselineId && subjectById ? subjectById(warmBaselineId) : undefined;
  let series: WarmSeries;
  let warmPaired: PairedWarm | undefined;
  if (prespawned) series = await warmPrespawned(subject, plan);
  else if (pairWarmWith) ({ paired: warmPaired, ...series } = await pairedWarm(subject, pairWarmWith, plan));
  else series = await warmSequential(subject, plan);
  const warmSamples = series.warm;
  const reused: Stats | undefined = series.reused?.length ? summarize(series.reused) : undefined;
  const perRequestVsReused = reused ? ratio(summarize(warmSamples).p50, reused.p50) : null;
  const driver = namedDriver(subject);
  if (driver) unitProgress('group construction');
  const construction: GroupConstruction | undefined = driver
    ? await measureGroupConstruction(driver, { rounds: plan.latency.constructionRounds })
    : undefined;
  if (SPIN_COST_SUBJECTS.includes(subject.id)) unitProgress('spin cost');
  const spin = SPIN_COST_SUBJECTS.includes(subject.id) ? await spinCost(subject, plan) : undefined;
  return {
    subject: subject.id,
    cold: coldSamples ? summarize(coldSamples) : null,
    ...(subject.features.noCold ? { coldNote: subject.features.noCold } : {}),
    warm: summarize(warmSamples),
    warmMode: prespawned ? 'prespawned' : 'sequential',
    ...(prespawned ? { warmIntervalMs: plan.latency.prespawnIntervalMs } : {}),
    ...(paired ? { coldPaired: paired } : {}),
    ...(warmPaired ? { warmPaired } : {}),
    ...(reused ? { reused } : {}),
    ...(perRequestVsReused !== null ? { perRequestVsReused } : {}),
    ...(construction ? { construction } : {}),
    ...(spin ? { spin } : {}),
  };
}
