/**
 * The one interface every driver and peer is measured through. A subject opens sessions (a pool, a
 * driver, a set of workers), runs catalogue tasks by name and closes; the measures and probes only ever
 * talk to this interface, so every row of the comparison runs the same code path.
 */
import type { Plan } from '../plan.js';
import type { TaskName } from '../workers/tasks.js';

/** What a session is opened with. Subjects that cannot honour an option say so in `features`. */
export interface SessionOptions {
  /** Tasks (threads, processes) running at once. */
  readonly concurrency: number;
  /** Per-task timeout in ms, where the subject has a mechanism for it (see `features.timeout`). */
  readonly timeoutMs?: number;
  /** Per worker heap limit in MiB, where the subject can enforce one. */
  readonly memoryLimitMb?: number;
  /** Keep this many fresh workers started ahead of tasks (per-task models only). */
  readonly prespawn?: number;
  /**
   * Run the catalogue declared inside a module that imports `@isolane/core/task` instead of the one
   * declared over the plain task module every subject shares (isolane subjects only; see
   * `workers/isolane-module-tasks.ts`).
   */
  readonly tasksImportCore?: boolean;
}

/** A live instance of a subject. */
export interface Session {
  /**
   * Submits one task and settles with its value; rejects when the task failed. Submission happens
   * synchronously inside the call, so mutating an argument right after `run()` is observable.
   */
  run(name: TaskName, arg?: unknown): Promise<unknown>;
  /** Submits `count` copies of a task at once and resolves with how many succeeded. */
  runMany(name: TaskName, arg: unknown, count: number): Promise<number>;
  /** Failures the subject reported after their task had settled (isolane's `onError`), if it has such a channel. */
  readonly lateErrors?: readonly string[];
  /** Releases every worker; bounded, never hangs (a subject whose own close hangs is cut off). */
  close(): Promise<void>;
}

/** How a subject stands toward the measures (declared, so the report can say why a cell is empty). */
export interface SubjectFeatures {
  /** How a task timeout is enforced, or null when the subject has none. */
  readonly timeout: string | null;
  /** Whether a per-worker memory limit can be set. */
  readonly memoryLimit: boolean;
  /** A fresh worker per task (cold every time; `prespawn` gives the warm case). */
  readonly perTask: boolean;
  /** Workers are child processes (not threads). */
  readonly processes: boolean;
  /** Tasks run in the host's own thread and heap. */
  readonly inProcess: boolean;
  /** Why the isolation probes do not apply, when they do not. */
  readonly noProbes?: string;
  /** Why the cold start measure does not apply, when it does not. */
  readonly noCold?: string;
}

/** Which rows of the same run a subject's figures are compared with. */
export interface SubjectBaselines {
  readonly cold?: string;
  readonly warm?: string;
  readonly throughput?: string;
}

/** What a row says about itself: the part of a subject the JSON result lists next to its availability. */
export interface SubjectDescription {
  /** Stable id used on the command line and in the JSON ('thread', 'piscina', 'raw-fork', ...). */
  readonly id: string;
  /** The name `--drivers` / `--peers` select it by (variants share their family's name). */
  readonly family: string;
  /** Human label for tables. */
  readonly label: string;
  readonly kind: 'driver' | 'peer' | 'baseline';
  /** One line: what runs a task. */
  readonly model: string;
  readonly features: SubjectFeatures;
}

/** One row of the comparison: a driver, a peer or a raw baseline. */
export interface Subject extends SubjectDescription {
  readonly baselines: SubjectBaselines;
  /** Opens a session; the caller closes it. */
  open(options: SessionOptions): Promise<Session>;
  /** Why this subject cannot run on this machine (a missing server, an unbuilt package), if it cannot. */
  unavailable?(): Promise<string | undefined>;
  /**
   * How long its `open()` may take beyond other subjects' (starting a server and worker processes), ms:
   * added to the probe host's hard timeout.
   */
  readonly setupMs?: number;
  /** How many tasks the throughput measure gives it, when not the plan's count for its model. */
  throughputTasks?(plan: Plan): number;
}

/**
 * Runs `count` copies through `run()` and counts the successes: the default `runMany` of adapters whose
 * library has no batch API of its own.
 *
 * @example
 * ```ts
 * runMany: (name, arg, count) => runManyVia(session.run, name, arg, count),
 * ```
 */
export async function runManyVia(
  run: (name: TaskName, arg?: unknown) => Promise<unknown>,
  name: TaskName,
  arg: unknown,
  count: number,
): Promise<number> {
  const pending: Promise<unknown>[] = new Array(count);
  for (let i = 0; i < count; i++) pending[i] = run(name, arg);
  const settled = await Promise.allSettled(pending);
  let ok = 0;
  for (const s of settled) if (s.status === 'fulfilled') ok++;
  return ok;
}

/**
 * Races a promise against a deadline, for libraries whose own shutdown can hang (poolifier's `destroy()`
 * never settles on Node 20): the bench must go on either way.
 *
 * @example
 * ```ts
 * await bounded(pool.destroy(), 2_000);
 * ```
 */
export async function bounded(promise: Promise<unknown>, ms: number): Promise<'done' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    // Not unref'd: a hanging close must hold the process until the deadline, not let it fall through.
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => 'done' as const,
        () => 'done' as const,
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
