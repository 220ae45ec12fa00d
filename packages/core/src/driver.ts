/**
 * The driver contract: start a job, get exactly one outcome, abort it, close. Drivers never reject for
 * task failures; they settle with a failure.
 */
import type { TransferListItem } from 'node:worker_threads';
import type { TaskFailure } from './failure.js';
import type { CallerFrame, TaskFrame } from './message-frames.js';
import type { Result } from './result.js';
import type { TaskSpec } from './task.js';

/** Settings a driver is created with. Shared drivers are keyed by these (plus the driver name). */
export interface DriverSettings {
  /** Max tasks running at once in this driver. */
  readonly concurrency: number;
  /** Module URL (href) loaded once per worker before its first task. */
  readonly bootstrap?: string | undefined;
  /** Per task/worker memory limit, where the model can enforce it. */
  readonly memoryLimitMb?: number | undefined;
  /**
   * The largest result (MiB, serialized) a task may send back; the worker fails a larger one as
   * `unserializable` before sending it. Undefined: no limit.
   */
  readonly maxResultMb?: number | undefined;
  /**
   * How long (ms) a worker's bootstrap may take; past it the worker is killed and the tasks waiting for
   * it fail with kind `bootstrap`. `Infinity`: no deadline. Default (undefined): 30000.
   */
  readonly bootstrapTimeout?: number | undefined;
  /** Driver-specific options (from the config file's `drivers.<name>` or the caller). */
  readonly options?: Readonly<Record<string, unknown>> | undefined;
}

/** One task to run. */
export interface Job {
  readonly task: TaskSpec;
  /** Already snapshotted by the group: the driver may send them as they are. */
  readonly args: readonly unknown[];
  /** Buffers to move rather than copy (from `transfer()`). */
  readonly transfer?: readonly TransferListItem[];
  /** Milliseconds, counted from the moment the task starts running; the work is stopped past it. */
  readonly timeout?: number;
}

/** Where a driver reports a job's outcome. */
export interface JobSink {
  /** Called exactly once per job. */
  settle(result: Result<unknown>): void;
  /**
   * A failure the job's task caused after it settled (e.g. a timer it left behind threw). Never blamed
   * on another job; the group routes it to its error handler.
   */
  stray(failure: TaskFailure): void;
  /**
   * A frame of the task's messages (`msg`, `progress`, `credit`; see docs/channels.md), as the driver's
   * transport received it from the worker's runtime. The driver only carries it: shape-checked first
   * (driver-kit's `taskFrameProblem`; a malformed one is channel corruption, like any bad message).
   * Present on the WaitGroup's sinks; a custom caller of `Driver.start` may leave it out.
   */
  fromTask?(frame: TaskFrame): void;
}

/** Returned by `Driver.start`: stops one job. */
export interface JobHandle {
  /**
   * Stops the job (dequeues it, or stops the work that runs it). The driver settles it with `failure`
   * unless it already settled.
   */
  abort(failure: TaskFailure): void;
  /**
   * Optional: carries a frame of the caller's messages (`msg`, `credit`) to the job's task, where the
   * worker's runtime hands it to `TaskMessages.deliver`. Accepted any time after `start()`: a job not
   * running yet keeps its frames, in order, for when it starts; after the job settled they are ignored.
   * A driver without it does not carry task messages (`wg.send` says so).
   */
  toTask?(frame: CallerFrame): void;
}

/**
 * A runtime for tasks: one isolation model.
 *
 * @example
 * ```ts
 * const driver: Driver = createDriver({ concurrency: 4 });
 * driver.start({ task, args: [1] }, { settle: (r) => console.log(r), stray: console.error });
 * await driver.close();
 * ```
 */
export interface Driver {
  /** The model's name ('fork', 'thread', 'cooperative', 'pool', or a custom one). */
  readonly name: string;
  /** Starts (or queues) a job. Must not throw for task failures. */
  start(job: Job, sink: JobSink): JobHandle;
  /** Aborts what is left and releases every worker; resolves when none remains. Idempotent. */
  close(): Promise<void>;
  /**
   * Optional. Replaces the driver's warm workers (a pool's workers, prespawned threads or children) so
   * the next tasks run in workers started now — with the parent's current `process.env` (a worker keeps
   * the environment it was started with). Jobs already running finish where they are; nothing fails.
   */
  recycle?(): void;
}

/** What a driver package exports so core can load it by name. */
export type DriverFactory = (settings: DriverSettings) => Driver;

/**
 * True for an object shaped like a {@link Driver}: a string `name` and `start`/`close` methods. Drivers
 * are plain objects or class instances from any package (or any copy of core), so the check is on the
 * shape, not on a brand or `instanceof`.
 *
 * @example
 * ```ts
 * if (isDriver(option)) useIt(option);
 * ```
 */
export function isDriver(value: unknown): value is Driver {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.name === 'string' && typeof v.start === 'function' && typeof v.close === 'function';
}
