/**
 * One job's record in the pool. It is also the handle `start()` returns, so a job costs one object: no
 * per-job closures or promises on the hot path.
 */

import type { TransferListItem } from 'node:worker_threads';
import type { CallerFrame, JobHandle, JobSink, Result, TaskFailure } from '@isolane/core/driver-kit';
import { frameToTask, type JobFrames } from './task-channel.js';
import type { WorkerState } from './worker-state.js';

/** Waiting in the driver's queue. */
export const JOB_QUEUED = 0;
/** Sent to a worker (running, or waiting in that worker's pipeline). */
export const JOB_SENT = 1;
/** Settled: its sink has its one result. */
export const JOB_DONE = 2;

/** What a job needs from its driver to abort itself. */
export interface JobOwner {
  abortJob(job: PoolJob, failure: TaskFailure): void;
}

/**
 * A job of the pool driver, and its handle.
 *
 * @example
 * ```ts
 * const handle = driver.start(job, sink); // a PoolJob
 * handle.abort(makeFailure('aborted', 'stop'));
 * ```
 */
export class PoolJob implements JobHandle {
  state = JOB_QUEUED;
  /** The worker it was sent to. */
  worker: WorkerState | undefined = undefined;
  /** Its position among the jobs sent to that worker (1-based), compared with the worker's start counter. */
  seq = 0;
  /** Its two-way messages (task-channel.ts); undefined while its task and caller exchange none. */
  frames: JobFrames | undefined = undefined;

  constructor(
    readonly owner: JobOwner,
    readonly id: number,
    /** The driver's reference of its task spec. */
    readonly ref: number,
    readonly args: readonly unknown[],
    readonly transfer: readonly TransferListItem[] | undefined,
    /** Ms from its start, 0 for none. */
    readonly timeout: number,
    readonly sink: JobSink,
  ) {}

  abort(failure: TaskFailure): void {
    this.owner.abortJob(this, failure);
  }

  /** A caller frame for its task (kept until it runs, dropped once it settled). */
  toTask(frame: CallerFrame): void {
    frameToTask(this, frame);
  }

  /** It went out to `worker`, as the `seq`-th job sent there. */
  sentTo(worker: WorkerState, seq: number): void {
    this.state = JOB_SENT;
    this.worker = worker;
    this.seq = seq;
  }

  /** Back in the driver's queue (its worker never started it). */
  requeued(): void {
    this.state = JOB_QUEUED;
  }

  /** Settles it with `result`, unless it is settled already. Returns false if it was. */
  settle(result: Result<unknown>): boolean {
    if (this.state === JOB_DONE) return false;
    this.state = JOB_DONE;
    this.sink.settle(result);
    return true;
  }

  /** Settles it as failed, unless it is settled already. */
  fail(error: TaskFailure, ms: number): void {
    if (this.state === JOB_DONE) return;
    this.state = JOB_DONE;
    this.sink.settle({ ok: false, error, ms });
  }
}
