/**
 * Sample counts from the time budget: the run's budget is split evenly between the runners, and each
 * runner's share is turned into warm samples and throughput tasks from the task's measured duration
 * (from the serial reference) plus what that runner is expected to add per task. A 400 ms task gets a
 * handful of samples; a 20 µs task gets hundreds. Pure: the figures in, the counts out.
 */
import type { RunnerId } from './result.js';

/** What each runner is expected to add per task, ms (the order of magnitude the main bench measures). */
export const EXPECTED_OVERHEAD_MS: Readonly<Record<RunnerId, number>> = {
  serial: 0,
  cooperative: 0.01,
  pool: 0.05,
  thread: 25,
  'raw-worker': 20,
  fork: 60,
  'raw-fork': 50,
};

/** Inputs of {@link planRunner}. */
export interface BudgetInput {
  readonly runner: RunnerId;
  /** The whole run's budget, ms. */
  readonly budgetMs: number;
  /** How many runners share it (the serial reference included). */
  readonly runners: number;
  /** Measured ms per task (serial reference p50), or null when unknown (the reference failed). */
  readonly taskMs: number | null;
  readonly concurrency: number;
  readonly cores: number;
  /** Argument lists available (the divergence check covers each, up to a cap). */
  readonly argLists: number;
  /** `--tasks`: fixes the throughput batch size. */
  readonly tasks?: number | undefined;
}

/** Counts for one runner's host. */
export interface RunnerBudget {
  readonly checkTasks: number;
  readonly warmSamples: number;
  readonly warmBudgetMs: number;
  /** Time for the throughput batch: the host sizes it from the per-task time it measured (0 = skip). */
  readonly throughputBudgetMs: number;
  /** `--tasks` when given: the batch size, whatever the budget. */
  readonly fixedTasks: number | null;
  readonly minTasks: number;
  readonly maxTasks: number;
  /** Tasks that run at the same time in this runner (1 in-process), to turn time into a batch size. */
  readonly inParallel: number;
  /** Hard limit for the host, after which it is killed and reported as hung. */
  readonly hostTimeoutMs: number;
}

const MIN_WARM = 5;
const MAX_WARM = 200;
const MAX_CHECK = 8;
const MAX_THROUGHPUT = 2_000;

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, Math.floor(v)));

/**
 * The counts for one runner.
 *
 * @example
 * ```ts
 * planRunner({ runner: 'pool', budgetMs: 60_000, runners: 6, taskMs: 3, concurrency: 2, cores: 2, argLists: 1 });
 * // { checkTasks: 3, warmSamples: 200, warmBudgetMs: 4000, throughputBudgetMs: 4000, fixedTasks: null, … }
 * ```
 */
export function planRunner(input: BudgetInput): RunnerBudget {
  if (!(input.budgetMs > 0))
    throw new RangeError(`--budget must be a positive number of ms, got ${input.budgetMs}`);
  const slice = input.budgetMs / Math.max(1, input.runners);
  const taskMs = input.taskMs ?? 1;
  const perTask = Math.max(0.001, taskMs + EXPECTED_OVERHEAD_MS[input.runner]);
  const checkTasks = clamp(input.argLists, 3, MAX_CHECK);
  // 40% of the slice for warm samples, 40% for the throughput batch; the rest is for start and close.
  const warmBudgetMs = slice * 0.4;
  const warmSamples = clamp(warmBudgetMs / perTask, MIN_WARM, MAX_WARM);
  const serial = input.runner === 'serial';
  const inParallel = serial || input.runner === 'cooperative' ? 1 : Math.min(input.concurrency, input.cores);
  const minTasks = 2 * input.concurrency;
  const fixedTasks = serial ? null : (input.tasks ?? null);
  const expectedTasks = serial
    ? 0
    : (fixedTasks ?? clamp((slice * 0.4 * inParallel) / perTask, minTasks, MAX_THROUGHPUT));
  const expectedMs = perTask * (checkTasks + warmSamples) + (perTask * expectedTasks) / inParallel;
  return {
    checkTasks,
    warmSamples,
    warmBudgetMs,
    throughputBudgetMs: serial ? 0 : slice * 0.4,
    fixedTasks,
    minTasks,
    maxTasks: MAX_THROUGHPUT,
    inParallel,
    // Generous: a loaded machine can be several times slower than the plan; a hung host must still end.
    hostTimeoutMs: Math.ceil(Math.max(60_000, 4 * expectedMs + 30_000)),
  };
}

/**
 * The throughput batch size for a runner whose warm tasks took `perTaskMs` each.
 *
 * @example
 * ```ts
 * batchSize({ throughputBudgetMs: 4000, fixedTasks: null, minTasks: 4, maxTasks: 2000, inParallel: 2 }, 50); // 160
 * ```
 */
export function batchSize(
  budget: Pick<RunnerBudget, 'throughputBudgetMs' | 'fixedTasks' | 'minTasks' | 'maxTasks' | 'inParallel'>,
  perTaskMs: number,
): number {
  if (budget.fixedTasks !== null) return budget.fixedTasks;
  if (budget.throughputBudgetMs <= 0) return 0;
  return clamp(
    (budget.throughputBudgetMs * budget.inParallel) / Math.max(0.001, perTaskMs),
    budget.minTasks,
    budget.maxTasks,
  );
}
