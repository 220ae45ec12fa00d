/**
 * The messages a thread driver and its worker entry exchange, kept apart so both sides agree on one
 * shape. Types only: importing it costs the worker nothing at run time.
 */
import type { MessagePort } from 'node:worker_threads';
import type { OneTaskJob, OneTaskMessage } from '@isolane/core/runtime';

/** One job, as the worker receives it (in `workerData` when spawned for it, else as its first message). */
export interface JobMessage extends OneTaskJob {
  /** The parent enforces a timeout, so it needs to hear when the task starts. */
  readonly timed: boolean;
}

/**
 * The parent's first message on a worker's `parentPort`: the worker's private channel. The entry takes
 * it before any other code runs (bootstrap, task), so no task can reach it: the job of a prespawned
 * worker, the `start`, the outcome and the strays travel on it. `parentPort` itself is not isolane's
 * channel: the parent does not listen to it, and what a task posts there is dropped.
 */
export interface ChannelHello {
  readonly channel: MessagePort;
}

/** What a worker is started with (its `workerData`; a task can read it, so it holds nothing private). */
export interface WorkerInit {
  readonly bootstrap?: string;
  /** Href of tsx's ESM API, when the parent runs under tsx and tsx does not hook workers itself. */
  readonly tsx?: string;
  /**
   * Task modules a prespawned worker loads (after the bootstrap) while it waits: the ones its driver ran
   * recently, so the task that takes it does not wait for its module either.
   */
  readonly warm?: readonly string[];
  /** The driver's `maxResultMb`: a larger result fails as `unserializable` in the worker. */
  readonly maxResultMb?: number;
  /** Absent for a prespawned worker, which waits for its job as a message on its private channel. */
  readonly job?: JobMessage;
}

/**
 * A message from a worker to its parent: core's one-task messages, the same as a fork child's —
 * `start` (bootstrap loaded, the task's timeout starts now; sent only when the job has a timeout),
 * `result` (the task's outcome), `stray` (a failure the task caused after its outcome was sent, e.g. a
 * timer it left behind threw). Types only: importing it costs the worker nothing at run time.
 */
export type WorkerMessage = OneTaskMessage;
