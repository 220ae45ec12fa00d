/**
 * The recommendation: which driver to use for this task and why, derived from the figures and the
 * isolation facts only (a pure function, tested on its own). The rules, in order:
 * 1. a driver that failed every task, or whose results differ from a serial run, is not recommended
 *    while another one works and agrees;
 * 2. `cooperative` is excluded when a call holds its thread 1 ms or more before it returns or awaits
 *    (measured on the serial reference): it would hold the caller's event loop that long;
 * 3. among the rest, the best throughput with the configured tasks in flight wins, as a speedup over
 *    the bare task measured in the same process (so load that changed between runners does not decide);
 *    within 10% of the best is a tie, broken by the lower overhead per task;
 * 4. the reasons quote the winner's overhead over the bare task, its speedup over serial and its memory;
 *    the warnings say what the other models would cost and when they are worth it.
 */
import { formatMs, formatRate, formatRatio } from '../report/format.js';
import type { Divergence, Recommendation, RunnerFigures, RunnerId, TaskDriver } from './result.js';

/** Above this 1-minute load per core, other work competed for the cores (as the main bench judges). */
export const BUSY_LOAD_PER_CORE = 0.75;
/** Speedups within this fraction of the best are a tie: the lower overhead per task decides. */
export const TIE = 0.1;
/** A call that holds its thread this long (ms) or longer blocks an event loop noticeably. */
export const BLOCKING_MS = 1;

/** Inputs of {@link recommend}. */
export interface RecommendInput {
  readonly runners: readonly RunnerFigures[];
  readonly divergences: readonly Divergence[];
  readonly cores: number;
  /** 1-minute load average at the start and end of the run: a busy machine makes small differences noise. */
  readonly load?: { readonly start: number; readonly end: number } | undefined;
}

type Usable = RunnerFigures & {
  readonly warm: NonNullable<RunnerFigures['warm']>;
  readonly throughput: NonNullable<RunnerFigures['throughput']>;
};

const isUsable = (r: RunnerFigures): r is Usable =>
  r.error === null && r.warm !== null && r.throughput !== null;

function failureSummary(r: RunnerFigures): string | null {
  const kinds = Object.entries(r.failures).filter(([, n]) => n > 0);
  if (kinds.length === 0) return null;
  const total = kinds.reduce((sum, [, n]) => sum + n, 0);
  const list = kinds.map(([k, n]) => `${k} ×${n}`).join(', ');
  return `${r.id}: ${total} of ${r.tasksRun} tasks failed (${list})`;
}

/**
 * What a runner adds to the bare task, ms: its warm p50 minus the p50 of direct calls made in the same
 * process (same load), or minus the serial reference's p50 when there were none. Never negative.
 *
 * @example
 * ```ts
 * taskOverhead(pool, 3.1); // 0.014
 * ```
 */
export function taskOverhead(r: RunnerFigures, serialP50: number | null): number | null {
  const base = r.pairedSerial?.p50 ?? serialP50;
  if (!r.warm || base === null) return null;
  return Math.max(0, r.warm.p50 - base);
}

function overheadReason(r: Usable, taskMs: number | null): string {
  const base = r.pairedSerial?.p50 ?? taskMs;
  const overhead = taskOverhead(r, taskMs);
  if (base === null || overhead === null) return `${r.id}: ${formatMs(r.warm.p50)} per task`;
  // At or below the bare task's p50: what it adds is lost in the task's own variation.
  if (overhead === 0) return `${r.id}: no measurable overhead on a ${formatMs(base)} task`;
  const share = base > 0 ? overhead / base : Number.POSITIVE_INFINITY;
  const pct =
    share >= 10
      ? ` (${formatRatio(share)} the task itself)`
      : ` (${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%)`;
  return `${r.id}: ${formatMs(overhead)} overhead on a ${formatMs(base)} task${pct}`;
}

function speedupReason(r: Usable, cores: number): string {
  const t = r.throughput;
  const speed = t.speedup === null ? '' : `${formatRatio(t.speedup)} over serial on ${cores} cores, `;
  const busy = t.cpuCores === null ? '' : ` (${t.cpuCores.toFixed(2)} cores busy)`;
  return `${speed}${formatRate(t.tasksPerSecond)} with ${t.concurrency} in flight${busy}`;
}

/** What `r` costs per task over `chosen`: the difference of their overheads (each against its own paired reference). */
const extra = (r: Usable, chosen: Usable, taskMs: number | null): string => {
  const a = taskOverhead(r, taskMs);
  const b = taskOverhead(chosen, taskMs);
  return formatMs(a !== null && b !== null ? Math.max(0, a - b) : Math.max(0, r.warm.p50 - chosen.warm.p50));
};

/**
 * Recommends a driver for the measured task.
 *
 * @example
 * ```ts
 * const rec = recommend({ runners, divergences: [], cores: 2 });
 * rec.headline; // 'pool: 14.0 µs overhead on a 3.10 ms task (0.5%), 1.96× over serial on 2 cores, …'
 * ```
 */
export function recommend(input: RecommendInput): Recommendation {
  const { runners, divergences, cores } = input;
  const serial = runners.find((r) => r.id === 'serial');
  const taskMs = serial?.warm?.p50 ?? null;
  const drivers = runners.filter((r) => r.kind === 'driver');
  const diverging = new Set<RunnerId>(divergences.map((d) => d.id));
  const warnings: string[] = [];
  const load = input.load ? Math.max(input.load.start, input.load.end) : 0;
  // Last of the warnings: it qualifies every figure, not one driver.
  const busy =
    load > cores * BUSY_LOAD_PER_CORE
      ? [
          `the machine was busy (1-minute load ${input.load!.start} → ${input.load!.end} on ${cores} cores): other ` +
            'work competed for the cores, so speedups are low and small differences are noise; re-run on a quiet machine',
        ]
      : [];

  for (const d of divergences) {
    const which = d.tasks.map((i) => `#${i + 1}`).join(', ');
    warnings.push(
      `${d.id}: results differ from a serial run in one thread (task ${which}): the task keeps state between ` +
        'calls (module state or a global) or depends on where it runs; fix that before trusting any driver',
    );
  }
  for (const r of runners) {
    if (r.error !== null) warnings.push(`${r.id}: not measured: ${r.error}`);
    const failed = failureSummary(r);
    if (failed) warnings.push(failed);
  }

  const usable = drivers.filter(isUsable);
  if (usable.length === 0) {
    const first = drivers.find((r) => r.firstFailure)?.firstFailure;
    const why = first
      ? `${first.kind}: ${first.name}: ${first.message}`
      : (drivers[0]?.error ?? 'no driver was measured');
    return {
      driver: null,
      headline: `no driver ran the task: ${why}`,
      reasons: [],
      warnings: [...warnings, ...busy],
    };
  }

  // Rule 1: prefer drivers that agree with the reference and did not fail.
  const agreeing = usable.filter((r) => !diverging.has(r.id));
  const clean = agreeing.filter((r) => failureSummary(r) === null);
  let candidates = clean.length > 0 ? clean : agreeing.length > 0 ? agreeing : usable;

  // Rule 2: cooperative holds the caller's event loop for the synchronous part of every task.
  const coop = candidates.find((r) => r.id === 'cooperative');
  const blockingMs = serial?.blockingMs ?? null;
  if (coop && blockingMs !== null && blockingMs >= BLOCKING_MS && candidates.length > 1) {
    candidates = candidates.filter((r) => r !== coop);
    warnings.push(
      `cooperative: not recommended: it runs on your event loop and would hold it ${formatMs(blockingMs)} ` +
        'per task (the synchronous part of each call), and it isolates nothing',
    );
  }

  // Rule 3: the best speedup over the bare task wins — throughput measured against direct calls made in
  // the same process, so a runner measured while the machine was busier is not penalised for it (raw
  // tasks/s when a speedup is missing). Within TIE of the best it is a tie, and the lower overhead per
  // task breaks it.
  const score = (r: Usable): number => r.throughput.speedup ?? r.throughput.tasksPerSecond;
  const scoreText = (r: Usable): string =>
    r.throughput.speedup !== null
      ? formatRatio(r.throughput.speedup)
      : formatRate(r.throughput.tasksPerSecond);
  const ranked = [...candidates].sort((a, b) => score(b) - score(a));
  const best = ranked[0]!;
  const tied = ranked.filter((r) => score(r) >= score(best) * (1 - TIE));
  const cost = (r: Usable): number => taskOverhead(r, taskMs) ?? r.warm.p50;
  const chosen = tied.reduce((a, b) => (cost(b) < cost(a) ? b : a));
  const reasons = [overheadReason(chosen, taskMs), speedupReason(chosen, cores)];
  const rival = ranked.find((r) => r !== chosen);
  if (rival && tied.length > 1) {
    const near = tied.filter((r) => r !== chosen).map((r) => `${r.id} ${scoreText(r)}`);
    reasons.push(
      `throughput within ${TIE * 100}% of the best (${scoreText(chosen)} vs ${near.join(', ')}): ` +
        'the lowest overhead per task decides',
    );
  } else if (rival) {
    reasons.push(
      `best throughput of the drivers that agree, against the bare task: ${scoreText(chosen)} vs ` +
        `${rival.id} ${scoreText(rival)}`,
    );
  }
  if (chosen.memory?.perWorkerMb != null)
    reasons.push(`${chosen.memory.perWorkerMb.toFixed(1)} MB per worker`);
  if (chosen.coldMs !== null) reasons.push(`first task on a fresh ${chosen.id}: ${formatMs(chosen.coldMs)}`);

  // Rule 4: what the other models cost, and when they are worth it.
  for (const r of usable) {
    if (r === chosen) continue;
    if (r.id === 'fork')
      warnings.push(
        `fork only if the task loads native code that must not crash your process (+${extra(r, chosen, taskMs)} per task)`,
      );
    else if (r.id === 'thread')
      warnings.push(
        `thread only if every task needs a fresh heap of its own (+${extra(r, chosen, taskMs)} per task)`,
      );
    else if (r.id === 'pool' && diverging.has('pool'))
      warnings.push(
        'pool: tasks that land on the same warm worker share its state; pool with maxTasksPerWorker: 1 isolates them (a fresh worker per task)',
      );
  }
  if (chosen.id === 'cooperative') {
    warnings.push(
      'cooperative isolates nothing: a crash, process.exit() or endless loop in the task takes your process with it',
    );
  }
  if (chosen.id === 'pool') {
    warnings.push(
      'pool shares a warm worker between tasks: state a task leaves behind is seen by the next one on that worker',
    );
  }

  const driver = chosen.id as TaskDriver;
  return { driver, headline: `${reasons[0]}, ${reasons[1]}`, reasons, warnings: [...warnings, ...busy] };
}
