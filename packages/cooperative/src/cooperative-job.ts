/**
 * One job of the cooperative driver, from `start()` to its one result: it waits for a place, runs its
 * task in the host's event loop and settles exactly once. A plain object with methods rather than a
 * handful of closures: a group per request makes and drops one of these per task. Its AbortController
 * is made only when the task reads its signal or the signal must fire (most tasks never read it); a
 * task that reads it after an abort finds it already aborted.
 */
import {
  type CallerFrame,
  endProcessTree,
  type Job,
  type JobHandle,
  type JobSink,
  makeFailure,
  newTreeMarker,
  type Result,
  type TaskFailure,
  type TaskFrame,
  timeoutFailure,
} from '@isolane/core/driver-kit';
import { type Runtime, runInProcessTree, TaskMessages } from '@isolane/core/runtime';

/** What a job needs of its driver. */
export interface JobHost {
  readonly runtime: Runtime;
  /** The job has settled: it is no longer open, and its place (if it held one) goes to the next job. */
  settled(job: CooperativeJob): void;
}

/**
 * A cooperative job. It is its own `JobHandle` and the run options the runtime reads (`id`, and
 * `signalOf()` for the task's signal).
 *
 * @example
 * ```ts
 * const job = new CooperativeJob(host, 1, { task, args: [1] }, sink);
 * job.run(); // when it has a place and the bootstrap has loaded
 * ```
 */
export class CooperativeJob implements JobHandle {
  /** Settled: its one result went to the sink. */
  settled = false;
  /** Holds one of the driver's places (from when it got one until it settles). */
  placed = false;
  /** Gives a queued job its place (set while it waits in the driver's queue). */
  wake: (() => void) | undefined;
  /** Its task has started. */
  #begun = false;
  /** Its task's run has returned (its result, or a failure, came back). */
  #returned = false;
  #startedAt = 0;
  #controller: AbortController | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** The `ISOLANE_TREE` marker of the processes the task starts. */
  #tree: string | undefined;
  /** The task side of its messages, made when the task or its caller first uses them. */
  #messages: TaskMessages | undefined;

  constructor(
    readonly host: JobHost,
    readonly id: number,
    readonly job: Job,
    readonly sink: JobSink,
  ) {}

  /** The task's signal, made on first read (see the runtime's `RunOptions.signalOf`). */
  signalOf(): AbortSignal {
    this.#controller ??= new AbortController();
    return this.#controller.signal;
  }

  /**
   * The task side of its messages (see the runtime's `RunOptions.messages`), made on first use. Both
   * ways every message is a structured clone, as across a thread: the same semantics as every driver.
   */
  get messages(): TaskMessages {
    this.#messages ??= new TaskMessages((frame) => this.#fromTask(frame));
    return this.#messages;
  }

  /**
   * A caller frame for the task (`JobHandle.toTask`; the group already cloned its message): kept in its
   * inbox, even before it runs.
   */
  toTask(frame: CallerFrame): void {
    if (!this.settled) this.messages.deliver(frame);
  }

  #fromTask(frame: TaskFrame): void {
    if (frame.t === 'credit') this.sink.fromTask?.(frame);
    else this.sink.fromTask?.({ t: frame.t, v: structuredClone(frame.v) });
  }

  /** Settles the job (waiting or running) and fires a running task's signal. */
  abort(failure: TaskFailure): void {
    this.finish({ ok: false, error: failure, ms: this.#begun ? performance.now() - this.#startedAt : 0 });
    if (this.#begun) this.#fire(failure);
  }

  /** Runs the task (it has a place, and the bootstrap has settled): its timeout counts from here. */
  run(): void {
    if (this.settled) return;
    this.#begun = true;
    this.#startedAt = performance.now();
    const timeout = this.job.timeout;
    if (timeout) this.#timer = setTimeout(() => this.#timedOut(timeout), timeout);
    this.#tree = newTreeMarker();
    const now = runInProcessTree(this.#tree, startTask, this);
    if (now !== undefined) this.done(now);
  }

  /** The task's run returned its result. */
  done(result: Result<unknown>): void {
    this.#returned = true;
    this.#messages?.end();
    if (this.#timer) clearTimeout(this.#timer);
    this.finish(snapshotResult(result));
  }

  /** Records the job's one result and frees its place. */
  finish(result: Result<unknown>): void {
    if (this.settled) return;
    this.settled = true;
    // Settled while it still runs (timeout, abort, close): the processes it started go now.
    if (this.#tree !== undefined && !this.#returned) endProcessTree(this.#tree);
    this.sink.settle(result);
    // Free the place now: work that ignores its signal must not starve the queue.
    this.host.settled(this);
  }

  #timedOut(ms: number): void {
    const failure = timeoutFailure(ms);
    this.finish({ ok: false, error: failure, ms: performance.now() - this.#startedAt });
    this.#fire(failure);
  }

  #fire(failure: TaskFailure): void {
    this.#controller ??= new AbortController();
    this.#controller.abort(failure);
  }
}

/** Starts a job's task in its process tree's async context (module-level: no closure per task). */
function startTask(job: CooperativeJob): Result<unknown> | undefined {
  const { task, args } = job.job;
  return job.host.runtime.start(task, args, job, (result) => job.done(result));
}

/** Results are snapshots too: the caller never shares an object with the task. */
function snapshotResult(result: Result<unknown>): Result<unknown> {
  if (!result.ok) return result;
  const v = result.value;
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return result;
  try {
    return { ok: true, value: structuredClone(v), ms: result.ms };
  } catch (err) {
    return {
      ok: false,
      error: makeFailure('unserializable', `the result cannot be cloned: ${(err as Error).message}`),
      ms: result.ms,
    };
  }
}
