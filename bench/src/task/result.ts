/**
 * The result of `isolane-bench task`: what one user task costs and does under every driver and raw
 * baseline, with the recommendation drawn from it (and the empty figures a runner starts from). Plain
 * data, the shape of the JSON output
 * (`schema/task-bench-result.v1.json`; additive changes keep version 1, anything else bumps it).
 */
import type { Stats } from '../stats.js';

/** The schema this result follows. */
export const TASK_SCHEMA_ID = 'isolane-bench-task-result';
/** Its version: additive changes keep 1, any removal or change of meaning bumps it. */
export const TASK_SCHEMA_VERSION = 1;

/** The isolane drivers, in the order they are measured and shown. */
export const TASK_DRIVERS = ['cooperative', 'thread', 'fork', 'pool'] as const;
export type TaskDriver = (typeof TASK_DRIVERS)[number];

/** Raw baselines: the same task without isolane (`new Worker` / `child_process.fork` per task). */
export const TASK_BASELINES = ['raw-worker', 'raw-fork'] as const;
export type TaskBaseline = (typeof TASK_BASELINES)[number];

/** What runs the task: the reference serial run in one thread, a driver or a raw baseline. */
export type RunnerId = 'serial' | TaskDriver | TaskBaseline;

/** One subject's figures. Every figure is null when it was not measured (the task failed first). */
export interface RunnerFigures {
  readonly id: RunnerId;
  readonly kind: 'reference' | 'driver' | 'baseline';
  /** ms of the first task on a fresh runner (process, pool and module load included). */
  readonly coldMs: number | null;
  /** ms per task, one at a time, after the first. */
  readonly warm: Stats | null;
  /**
   * Serial reference only: p50 of the ms a call holds its thread before it returns or awaits — what a
   * task would hold the caller's event loop for under `cooperative`. Null for other runners.
   */
  readonly blockingMs: number | null;
  /**
   * Direct calls of the task made in the same process, alternated with this runner's warm samples: the
   * bare task under the same load, which the overhead (p50) and the speedup (mean) are measured against.
   * Null for the serial reference itself.
   */
  readonly pairedSerial: Stats | null;
  /** N tasks with `concurrency` in flight. */
  readonly throughput: {
    readonly tasks: number;
    readonly concurrency: number;
    readonly wallMs: number;
    readonly tasksPerSecond: number;
    /** CPU time of the host and its children over wall time: cores kept busy. */
    readonly cpuCores: number | null;
    /** The same tasks run serially in one thread (serial mean × N) over `wallMs`. */
    readonly speedup: number | null;
  } | null;
  readonly memory: {
    /** MiB added per worker at the peak (null for in-process runners: there is no worker). */
    readonly perWorkerMb: number | null;
    /** MiB the host and its children held at most, over the baseline before the runner opened. */
    readonly peakAddedMb: number;
    /** Peak RSS of host + children, MiB. */
    readonly peakMb: number;
    /** Whether child processes are counted (Linux /proc), or only the host. */
    readonly scope: 'tree' | 'host';
  } | null;
  /** Digest of each checked result, in order ('failed:<kind>' for a failed task). */
  readonly digests: readonly string[];
  /** Failures by kind over every task this runner ran. */
  readonly failures: Readonly<Record<string, number>>;
  /** The first failure seen, for the report. */
  readonly firstFailure: { readonly kind: string; readonly name: string; readonly message: string } | null;
  /** Tasks this runner ran in total. */
  readonly tasksRun: number;
  /** Set when the runner could not be measured at all (its host died, hung, or every task failed). */
  readonly error: string | null;
}

/**
 * The figures of a runner that measured nothing yet: every figure null, no task run. `error` says why
 * when it never will.
 *
 * @example
 * ```ts
 * ({ id: 'fork', kind: 'driver', ...noFigures('the task killed its host process (SIGKILL)') });
 * ```
 */
export function noFigures(error: string | null = null): Omit<RunnerFigures, 'id' | 'kind'> {
  return {
    coldMs: null,
    warm: null,
    blockingMs: null,
    pairedSerial: null,
    throughput: null,
    memory: null,
    digests: [],
    failures: {},
    firstFailure: null,
    tasksRun: 0,
    error,
  };
}

/** A runner whose results differ from the serial reference. */
export interface Divergence {
  readonly id: RunnerId;
  /** 0-based indexes of the checked tasks whose results differ. */
  readonly tasks: readonly number[];
}

/** The recommendation, with the reasons drawn from the figures. */
export interface Recommendation {
  /** The driver to use, or null when none can be recommended (every driver failed). */
  readonly driver: TaskDriver | null;
  readonly headline: string;
  readonly reasons: readonly string[];
  /** Caveats: diverging results, failures, drivers to avoid and why. */
  readonly warnings: readonly string[];
}

/** The whole result of `isolane-bench task`. */
export interface TaskBenchResult {
  readonly schema: typeof TASK_SCHEMA_ID;
  readonly schemaVersion: typeof TASK_SCHEMA_VERSION;
  /** The command line that produced it (`isolane-bench task …`), or null when run through the API. */
  readonly command: string | null;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly machine: {
    readonly node: string;
    readonly platform: string;
    readonly arch: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly totalMemMb: number;
    /** 1-minute load average when the run started and ended: other work competing for the cores. */
    readonly loadAverage: { readonly start: number; readonly end: number };
  };
  readonly task: {
    readonly module: string;
    readonly export: string;
    /** Argument lists the tasks cycle through (null when the serial host could not load them). */
    readonly argLists: number | null;
    readonly bootstrap: string | null;
  };
  readonly settings: {
    readonly concurrency: number;
    readonly timeoutMs: number;
    readonly budgetMs: number;
    /** `--tasks` when given; otherwise each runner's batch is sized from the budget (see its figures). */
    readonly tasks: number | null;
    /** Tasks run one at a time per runner whose results are compared. */
    readonly checkedTasks: number;
  };
  readonly runners: readonly RunnerFigures[];
  readonly divergences: readonly Divergence[];
  readonly recommendation: Recommendation;
}
