/**
 * Runs `isolane-bench task`: the serial reference first (it also checks the module, the export and the
 * arguments, and measures how long the task takes, which sizes everything after it), then every driver
 * and raw baseline, each in a fresh host process, one after the other. Then the divergence check and the
 * recommendation. A runner that fails is reported with its failure; the run goes on.
 */
import { fileURLToPath } from 'node:url';
import { runEntryInChild } from '../child/run-in-child.js';
import { loadAverage1m, machineInfo } from '../machine.js';
import type { Progress } from '../progress.js';
import { formatMs, formatRate } from '../report/format.js';
import { planRunner } from './budget.js';
import { findDivergences } from './divergence.js';
import type { HostPlan, HostReport } from './measure-runner.js';
import { recommend } from './recommend.js';
import {
  noFigures,
  type RunnerFigures,
  type RunnerId,
  TASK_SCHEMA_ID,
  TASK_SCHEMA_VERSION,
  type TaskBaseline,
  type TaskBenchResult,
  type TaskDriver,
} from './result.js';
import type { TaskTarget } from './runners.js';
import type { ArgSource } from './task-args.js';

const HOST = fileURLToPath(new URL('./task-host-entry.js', import.meta.url));

/** Options of {@link runTaskBench}, already validated (see `task-options.ts`). */
export interface TaskBenchOptions {
  readonly moduleUrl: string;
  readonly exportName: string;
  readonly args: ArgSource;
  readonly drivers: readonly TaskDriver[];
  readonly baselines: readonly TaskBaseline[];
  /** Throughput batch size; default from the budget. */
  readonly tasks?: number | undefined;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly bootstrap: string | null;
  readonly budgetMs: number;
  /** Node flags of the hosts (loader flags for TypeScript). */
  readonly hostFlags: readonly string[];
  readonly progress: Progress;
  /** The command line, for the report. */
  readonly command?: string | undefined;
}

const emptyFigures = (id: RunnerId, error: string): RunnerFigures => ({
  id,
  kind: kindOf(id),
  ...noFigures(error),
});

function kindOf(id: RunnerId): RunnerFigures['kind'] {
  if (id === 'serial') return 'reference';
  return id === 'raw-worker' || id === 'raw-fork' ? 'baseline' : 'driver';
}

function note(f: RunnerFigures): string {
  if (f.error) return f.error;
  const parts = [
    f.warm ? `p50 ${formatMs(f.warm.p50)}` : null,
    f.throughput ? formatRate(f.throughput.tasksPerSecond) : null,
  ];
  return parts.filter(Boolean).join(', ') || 'done';
}

/**
 * Measures the user's task under every requested runner and recommends a driver.
 *
 * @example
 * ```ts
 * const result = await runTaskBench({ moduleUrl, exportName: 'resize', args: { kind: 'lists', lists: [[640]] },
 *   drivers: ['cooperative', 'thread', 'fork', 'pool'], baselines: [], concurrency: 2, timeoutMs: 30_000,
 *   bootstrap: null, budgetMs: 60_000, hostFlags: [], progress: silentProgress() });
 * result.recommendation.headline;
 * ```
 */
export async function runTaskBench(options: TaskBenchOptions): Promise<TaskBenchResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const loadAtStart = loadAverage1m();
  const cores = machineInfo(loadAtStart).cores;
  const order: RunnerId[] = ['serial', ...options.drivers, ...options.baselines];
  const target: TaskTarget = {
    moduleUrl: options.moduleUrl,
    exportName: options.exportName,
    bootstrap: options.bootstrap,
    timeoutMs: options.timeoutMs,
    concurrency: options.concurrency,
  };
  options.progress.start(order.length);
  const runners: RunnerFigures[] = [];
  let taskMs: number | null = null;
  // Unknown until the serial host loads an argument module: check the most tasks there, the reference.
  let argLists = options.args.kind === 'lists' ? options.args.lists.length : Number.MAX_SAFE_INTEGER;
  let checkedTasks = 0;
  try {
    for (const [index, id] of order.entries()) {
      // What is left of the budget goes to the runners left: a slow runner leaves less to the next ones.
      const left = order.length - index;
      const remaining = options.budgetMs - (performance.now() - t0);
      const budget = planRunner({
        runner: id,
        budgetMs: Math.max(remaining, 0.02 * options.budgetMs * left),
        runners: left,
        taskMs,
        concurrency: options.concurrency,
        cores,
        argLists,
        tasks: options.tasks,
      });
      const plan: HostPlan = { runner: id, target, args: options.args, ...budget };
      const outcome = await runEntryInChild(HOST, plan, {
        timeoutMs: budget.hostTimeoutMs,
        execArgv: [...options.hostFlags, '--expose-gc'],
        // What the user's task reports with taskContext().progress(), live next to the runner's name.
        onProgress: (text) => options.progress.note?.(id, text),
      });
      let figures: RunnerFigures;
      if (outcome.status === 'ok') {
        const report = outcome.data as HostReport;
        argLists = report.argLists;
        figures = { id, kind: kindOf(id), ...report.figures };
      } else if (outcome.status === 'error') {
        // The host could not set up (no such export, bad argument file): nothing else will do better.
        if (id === 'serial') throw new Error(outcome.message);
        figures = emptyFigures(id, outcome.message);
      } else if (outcome.status === 'killed') {
        const how = outcome.signal ?? `exit code ${outcome.exitCode}`;
        figures = emptyFigures(id, `the task killed its host process (${how})`);
      } else {
        figures = emptyFigures(id, `no report within ${formatMs(budget.hostTimeoutMs)}: killed`);
      }
      if (id === 'serial') {
        taskMs = figures.warm?.p50 ?? null;
      }
      checkedTasks = Math.max(checkedTasks, figures.digests.length);
      runners.push(figures);
      options.progress.tick(id, note(figures));
    }
  } finally {
    options.progress.stop();
  }
  const serialMean = runners[0]?.warm?.mean ?? null;
  const withSpeedup = runners.map((r): RunnerFigures => {
    if (!r.throughput || r.throughput.speedup !== null || serialMean === null || r.throughput.wallMs <= 0)
      return r;
    const speedup = (serialMean * r.throughput.tasks) / r.throughput.wallMs;
    return { ...r, throughput: { ...r.throughput, speedup } };
  });
  const divergences = findDivergences(withSpeedup);
  const machine = machineInfo(loadAtStart);
  return {
    schema: TASK_SCHEMA_ID,
    schemaVersion: TASK_SCHEMA_VERSION,
    command: options.command ?? null,
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - t0,
    machine: {
      node: process.versions.node,
      platform: process.platform,
      arch: process.arch,
      cpus: machine.cores,
      cpuModel: machine.cpuModel,
      totalMemMb: machine.totalMemoryMb,
      loadAverage: machine.loadAverage,
    },
    task: {
      module: options.moduleUrl,
      export: options.exportName,
      argLists: argLists === Number.MAX_SAFE_INTEGER ? null : argLists,
      bootstrap: options.bootstrap,
    },
    settings: {
      concurrency: options.concurrency,
      timeoutMs: options.timeoutMs,
      budgetMs: options.budgetMs,
      tasks: options.tasks ?? null,
      checkedTasks,
    },
    runners: withSpeedup,
    divergences,
    recommendation: recommend({ runners: withSpeedup, divergences, cores, load: machine.loadAverage }),
  };
}
