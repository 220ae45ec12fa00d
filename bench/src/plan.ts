/**
 * How much each measure does, for a full run and for `--quick`. The full sizes are what the issues ask
 * for (100,000 trivial tasks, 8 x 250 ms CPU tasks, 10,000 x 1 ms tasks, one task every 150 ms for the
 * prespawned case) and fit in five minutes on two cores; quick keeps every measure but shrinks it to
 * fit a CI minute.
 */
import { availableParallelism } from 'node:os';

/** The sizes of one run. Plain data: it is sent to the measuring child processes and into the JSON. */
export interface Plan {
  readonly quick: boolean;
  /** Threads/processes/tasks at once for every subject (the same for all). */
  readonly concurrency: number;
  readonly latency: {
    /** Cold samples by what a cold start costs: a process, a thread, a pool, an in-process call. */
    readonly coldSamples: {
      readonly process: number;
      readonly thread: number;
      readonly pool: number;
      readonly inProcess: number;
    };
    readonly warmup: number;
    readonly warmSamples: number;
    /** Per-task models: samples with a prespawned worker, one task every `prespawnIntervalMs`. */
    readonly prespawnSamples: number;
    readonly prespawnIntervalMs: number;
  };
  readonly throughput: {
    /** Pools, in-process subjects and the ping-pong floor. */
    readonly pooledTasks: number;
    /** A worker thread spawned per task. */
    readonly threadTasks: number;
    /** A process spawned per task. */
    readonly processTasks: number;
  };
  /** `repeats`: each wall time is the best of this many runs (less noise from whatever else runs). */
  readonly scaling: { readonly tasks: number; readonly taskMs: number; readonly repeats: number };
  readonly cpuBatch: { readonly tasks: number; readonly taskMs: number };
  readonly probes: {
    /** The probes this plan runs by default (null = all); quick keeps one or two per category. */
    readonly only: readonly string[] | null;
    /** The task timeout the loop probe sets. */
    readonly timeoutMs: number;
    /** The per-worker heap limit the OOM probe sets (in-process hosts get a small heap instead). */
    readonly memoryLimitMb: number;
    /** How long the memory probe keeps one task per worker in flight (RSS is sampled at 70%). */
    readonly memoryHoldMs: number;
    /** How long a probe waits inside its host for tasks to settle before calling the driver hung. */
    readonly deadlineMs: number;
    /** How long the bench waits for a probe host before killing it and calling it hung. */
    readonly hardTimeoutMs: number;
    /** Probe hosts run at once (probes are not timed, only observed). */
    readonly parallel: number;
  };
}

/**
 * The plan of a full or quick run on this machine.
 *
 * @example
 * ```ts
 * makePlan(true).throughput.pooledTasks; // 10_000
 * ```
 */
export function makePlan(quick: boolean): Plan {
  const concurrency = availableParallelism();
  if (quick) {
    return {
      quick,
      concurrency,
      latency: {
        coldSamples: { process: 3, thread: 4, pool: 2, inProcess: 20 },
        warmup: 50,
        warmSamples: 300,
        prespawnSamples: 5,
        prespawnIntervalMs: 150,
      },
      throughput: { pooledTasks: 5_000, threadTasks: 12, processTasks: 6 },
      scaling: { tasks: 4, taskMs: 60, repeats: 1 },
      cpuBatch: { tasks: 300, taskMs: 1 },
      probes: {
        only: ['global', 'argument', 'exit', 'memory'],
        timeoutMs: 1_500,
        memoryLimitMb: 64,
        memoryHoldMs: 600,
        deadlineMs: 2_000,
        hardTimeoutMs: 8_000,
        parallel: 3,
      },
    };
  }
  return {
    quick,
    concurrency,
    latency: {
      coldSamples: { process: 20, thread: 30, pool: 10, inProcess: 200 },
      warmup: 300,
      warmSamples: 3_000,
      prespawnSamples: 30,
      prespawnIntervalMs: 150,
    },
    throughput: { pooledTasks: 100_000, threadTasks: 150, processTasks: 40 },
    scaling: { tasks: 8, taskMs: 250, repeats: 2 },
    cpuBatch: { tasks: 10_000, taskMs: 1 },
    probes: {
      only: null,
      timeoutMs: 1_500,
      memoryLimitMb: 64,
      memoryHoldMs: 1_000,
      deadlineMs: 4_000,
      hardTimeoutMs: 12_000,
      parallel: 3,
    },
  };
}
