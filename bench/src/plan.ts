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
    /**
     * Fresh processes a subject measured next to its baseline (per-task drivers cold, pools warm) is
     * measured in; the row kept is the one with the median ratio. Threads land on different (virtual)
     * CPUs from one process to the next, and how fast they wake each other goes with it.
     */
    readonly pairedProcesses: number;
    /** Alternated blocks of `new WaitGroup({ driver })` and of a small structuredClone (isolane drivers). */
    readonly constructionRounds: number;
    /** Warm pools and raw floors: sequential round trips whose CPU time is measured, then idle ms after. */
    readonly spinTasks: number;
    readonly spinIdleMs: number;
  };
  readonly throughput: {
    /** Pools, in-process subjects and the ping-pong floor. */
    readonly pooledTasks: number;
    /** A worker thread spawned per task. */
    readonly threadTasks: number;
    /** A process spawned per task. */
    readonly processTasks: number;
    /** Through a Redis queue and two worker processes (the queue driver and raw BullMQ). */
    readonly queueTasks: number;
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
 * The plan of a full or quick run on this machine. Each size is written once as `size(quick, full)`,
 * so the two modes sit side by side and a value both share is written only once.
 *
 * @example
 * ```ts
 * makePlan(true).throughput.pooledTasks; // 5_000
 * ```
 */
export function makePlan(quick: boolean): Plan {
  const size = <T>(quickValue: T, fullValue: T): T => (quick ? quickValue : fullValue);
  return {
    quick,
    concurrency: availableParallelism(),
    latency: {
      coldSamples: { process: size(3, 30), thread: size(4, 60), pool: size(2, 10), inProcess: size(20, 200) },
      warmup: size(50, 300),
      warmSamples: size(300, 3_000),
      prespawnSamples: size(5, 30),
      prespawnIntervalMs: 150,
      pairedProcesses: size(1, 3),
      constructionRounds: size(10, 40),
      spinTasks: 1_000,
      spinIdleMs: size(500, 1_000),
    },
    throughput: {
      pooledTasks: size(5_000, 100_000),
      threadTasks: size(12, 150),
      processTasks: size(6, 40),
      queueTasks: size(2_000, 10_000),
    },
    scaling: { tasks: size(4, 8), taskMs: size(60, 250), repeats: size(1, 2) },
    cpuBatch: { tasks: size(300, 10_000), taskMs: 1 },
    probes: {
      only: size<readonly string[] | null>(['global', 'argument', 'exit', 'memory'], null),
      timeoutMs: 1_500,
      memoryLimitMb: 64,
      memoryHoldMs: size(600, 1_000),
      deadlineMs: size(2_000, 4_000),
      hardTimeoutMs: size(8_000, 12_000),
      parallel: 3,
    },
  };
}
