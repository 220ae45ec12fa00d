/**
 * Measures one runner on the user's task, inside a fresh host process: the first task on a fresh runner
 * (cold), a few more one at a time whose results are fingerprinted (the divergence check), warm
 * per-task latency, then N tasks with `concurrency` in flight (throughput, CPU use), with the tree's
 * RSS sampled throughout. Stops early when every task so far failed: a broken task is reported, not
 * hammered.
 */

import { TREE_RSS_SUPPORTED, treeRssMb } from '../probes/tree-rss.js';
import { summarize } from '../stats.js';
import { batchSize, type RunnerBudget } from './budget.js';
import { digestOutcome } from './digest.js';
import { noFigures, type RunnerFigures, type RunnerId } from './result.js';
import { startRssSampler } from './rss-sampler.js';
import { type FailureInfo, type Outcome, openRunner, type TaskTarget } from './runners.js';
import { type ArgSource, loadArgLists } from './task-args.js';
import { treeCpuMs } from './tree-cpu.js';

/** What a host is asked to measure. Plain data, sent over IPC. */
export interface HostPlan extends RunnerBudget {
  readonly runner: RunnerId;
  readonly target: TaskTarget;
  readonly args: ArgSource;
}

/** What a host sends back. */
export interface HostReport {
  readonly argLists: number;
  readonly figures: Omit<RunnerFigures, 'id' | 'kind'>;
}

/** Consecutive failures from the first task on after which a runner is given up. */
const GIVE_UP_AFTER = 3;

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

/**
 * Runs the plan and returns the runner's figures (`id` and `kind` are the caller's to set).
 *
 * @example
 * ```ts
 * const budget = planRunner({ runner: 'pool', budgetMs: 60_000, runners: 6, taskMs: 3, concurrency: 2, cores: 2, argLists: 1 });
 * const { figures } = await measureRunner({ runner: 'pool', target, args: { kind: 'lists', lists: [[640]] }, ...budget });
 * ```
 */
export async function measureRunner(plan: HostPlan): Promise<HostReport> {
  const lists = await loadArgLists(plan.args);
  const report = (f: Omit<RunnerFigures, 'id' | 'kind'>): HostReport => ({
    argLists: lists.length,
    figures: f,
  });
  const listAt = (i: number): readonly unknown[] => lists[i % lists.length]!;
  // Each argument list once (at least three tasks, to see state carried between calls).
  const checkTasks = Math.min(plan.checkTasks, Math.max(3, lists.length));
  const failures: Record<string, number> = {};
  let firstFailure: FailureInfo | null = null;
  let tasksRun = 0;
  const note = (o: Outcome): void => {
    tasksRun++;
    if (o.ok) return;
    failures[o.failure.kind] = (failures[o.failure.kind] ?? 0) + 1;
    firstFailure ??= o.failure;
  };
  const figures = (
    extra: Partial<Omit<RunnerFigures, 'id' | 'kind'>>,
  ): Omit<RunnerFigures, 'id' | 'kind'> => ({ ...noFigures(), failures, firstFailure, tasksRun, ...extra });

  collect();
  const sampler = await startRssSampler(50);
  const baselineMb = treeRssMb();
  sampler.reset();
  const t0 = performance.now();
  const runner = await openRunner(plan.runner, plan.target);
  try {
    // Cold first task, then the fingerprinted ones, one at a time.
    const digests: string[] = [];
    let coldMs: number | null = null;
    let okSoFar = false;
    for (let i = 0; i < checkTasks; i++) {
      const started = i === 0 ? t0 : performance.now();
      const outcome = await runner.run(listAt(i));
      if (i === 0) coldMs = performance.now() - started;
      note(outcome);
      digests.push(digestOutcome(outcome));
      okSoFar ||= outcome.ok;
      if (!okSoFar && i + 1 >= GIVE_UP_AFTER) {
        return report(figures({ coldMs, digests, error: `the first ${i + 1} tasks all failed; gave up` }));
      }
    }
    if (!okSoFar) return report(figures({ coldMs, digests, error: `all ${checkTasks} tasks failed` }));

    // The check phase's peak: tasks one at a time on the runner alone.
    const checkPeakMb = await sampler.peak();
    await sampler.pause();

    // Warm: one task at a time, until the count or the time slice is used. Each sample of a driver or
    // baseline is paired with a direct call in this process, so its overhead is measured against the
    // bare task under the same load (a shared machine's load changes from one host to the next).
    const reference =
      plan.runner === 'serial' ? null : await openRunner('serial', plan.target).catch(() => null);
    const samples: number[] = [];
    const paired: number[] = [];
    const blocking: number[] = [];
    const warmEnd = performance.now() + plan.warmBudgetMs;
    for (let i = 0; i < plan.warmSamples && (samples.length < 3 || performance.now() < warmEnd); i++) {
      const args = listAt(checkTasks + i);
      if (reference) {
        const begun = performance.now();
        const direct = await reference.run(args);
        if (direct.ok) paired.push(performance.now() - begun);
      }
      const started = performance.now();
      const outcome = await runner.run(args);
      const ms = performance.now() - started;
      note(outcome);
      if (outcome.ok) samples.push(ms);
      if (outcome.syncMs !== undefined) blocking.push(outcome.syncMs);
    }
    const warm = samples.length > 0 ? summarize(samples) : null;

    // Throughput: N tasks at once, CPU time of the whole tree over the wall time.
    let throughput: RunnerFigures['throughput'] = null;
    const tasks = batchSize(plan, warm?.p50 ?? coldMs ?? 1);
    if (tasks > 0) {
      const batch = Array.from({ length: tasks }, (_, i) => listAt(i));
      // What the direct calls left in this process is not the runner's: collect it, start a new peak.
      collect();
      sampler.reset();
      const cpu0 = treeCpuMs();
      const started = performance.now();
      const outcomes = await runner.runAll(batch);
      const wallMs = performance.now() - started;
      const cpuMs = treeCpuMs() - cpu0;
      for (const o of outcomes) note(o);
      throughput = {
        tasks: batch.length,
        concurrency: plan.target.concurrency,
        wallMs,
        tasksPerSecond: (outcomes.filter((o) => o.ok).length / wallMs) * 1000,
        cpuCores: wallMs > 0 ? cpuMs / wallMs : null,
        // Against direct calls made here (same load); the caller falls back to the serial run's mean.
        speedup: paired.length > 0 ? (summarize(paired).mean * batch.length) / wallMs : null,
      };
    }
    const peakMb = Math.max(checkPeakMb, await sampler.peak());
    const added = Math.max(0, peakMb - baselineMb);
    return report(
      figures({
        coldMs,
        warm,
        blockingMs: blocking.length > 0 ? summarize(blocking).p50 : null,
        pairedSerial: paired.length > 0 ? summarize(paired) : null,
        throughput,
        digests,
        memory: {
          perWorkerMb: runner.workers === null ? null : added / runner.workers,
          peakAddedMb: added,
          peakMb,
          scope: TREE_RSS_SUPPORTED ? 'tree' : 'host',
        },
      }),
    );
  } finally {
    await runner.close();
    await sampler.stop();
  }
}
