/**
 * The wire format between the pool and its workers. Messages are flat arrays tagged by a small integer:
 * cheaper to clone than objects, and a batch of jobs is one message. Both sides import these constants
 * so they cannot drift apart.
 */

import type { MessagePort } from 'node:worker_threads';
import type { TaskSpec } from '@isolane/core/driver-kit';

/** Parent → worker: `[TO_WORKER_JOBS, id, taskRef, args, id, taskRef, args, …]`. */
export const TO_WORKER_JOBS = 0;
/** Parent → worker: `[TO_WORKER_CANCEL, id]` — skip this job if it has not started. */
export const TO_WORKER_CANCEL = 1;

/**
 * Worker → parent: `[FROM_WORKER_READY]` — warm (the worker's runtime has loaded the bootstrap and the
 * pool's recent task modules, unasked) and ready for jobs (a failed bootstrap: tasks say so).
 */
export const FROM_WORKER_READY = 0;
/** Worker → parent: `[FROM_WORKER_OK, id, value, ms]`. */
export const FROM_WORKER_OK = 1;
/** Worker → parent: `[FROM_WORKER_FAIL, id, failure, ms]`. */
export const FROM_WORKER_FAIL = 2;
/** Worker → parent: `[FROM_WORKER_SKIPPED, id]` — a cancelled job that never started. */
export const FROM_WORKER_SKIPPED = 3;
/** Worker → parent: `[FROM_WORKER_BOUNCED, id]` — a retiring worker hands back a job it did not start. */
export const FROM_WORKER_BOUNCED = 4;
/**
 * Worker → parent: `[FROM_WORKER_FAIL_RUNNING, id, failure]` — the running task caused an uncaught
 * exception or unhandled rejection: its slot fails and the worker (now in an unknown state) must go.
 */
export const FROM_WORKER_FAIL_RUNNING = 5;
/** Worker → parent: `[FROM_WORKER_STRAY, id, failure]` — a task that already returned caused an error. */
export const FROM_WORKER_STRAY = 6;
/** Worker → parent: `[FROM_WORKER_RETIRE, reason]` — the worker starts no more jobs (bounces them). */
export const FROM_WORKER_RETIRE = 7;
/** Worker → parent: `[FROM_WORKER_EXITING, id, code]` — `process.exit(code)` was called by job `id` (-1: none). */
export const FROM_WORKER_EXITING = 8;

/** A task spec sent with its reference the first time a worker sees it. */
export interface SpecIntro {
  readonly ref: number;
  readonly spec: TaskSpec;
}

/**
 * What a worker thread needs at start-up (its `workerData`). A task can read `workerData`, so nothing
 * here is private: the channel and the start counter come in {@link PoolHello}.
 */
export interface WorkerBoot {
  /** Module URL loaded once before the first task. */
  readonly bootstrap: string | undefined;
  /** tsx's ESM API when the parent runs under tsx and this Node does not hook workers itself. */
  readonly tsx: string | undefined;
  /** Retire the worker after a task when its V8 heap exceeds this many bytes (0: never). */
  readonly maxHeapBytes: number;
  /** The pool's `maxResultMb` (0: none): a larger result fails as `unserializable` in the worker. */
  readonly maxResultMb: number;
  /** Task modules the pool used recently: a fresh worker loads them before it says it is ready. */
  readonly preload: readonly string[];
}

/**
 * The parent's first message on a pool worker thread's `parentPort`, queued before the worker runs a
 * line: its entry takes it (synchronously) before the bootstrap, the preloads or any task, so no task
 * can reach either. `parentPort` itself is not the pool's channel: nobody listens to it, and what a
 * task posts there is dropped.
 */
export interface PoolHello {
  /** The private port all jobs and results travel on. */
  readonly port: MessagePort;
  /** Int32Array view, slot 0: how many jobs the worker has started (so the parent knows after a death). */
  readonly started: SharedArrayBuffer;
}

/**
 * What a worker process needs at start-up (one JSON argument on its command line): the thread's
 * `WorkerBoot`, with core's process channel (fds 3 and 4) for the port and a file for the shared counter.
 */
export interface ProcessBoot {
  readonly bootstrap: string | undefined;
  readonly maxHeapBytes: number;
  readonly maxResultMb: number;
  readonly preload: readonly string[];
  /**
   * The child's descriptor of a 4-byte file (already unlinked) where it writes, before each job, how many
   * jobs it has started (an int32 at offset 0): the parent reads it back after a death, a timeout or an
   * abort, exactly as it reads a thread's shared counter — one pwrite per task, no message.
   */
  readonly startedFd: number;
  /** Poll the parent pid from a watchdog thread every this many ms (0: the kernel guards the child). */
  readonly watchdogMs: number;
}

/** Slot of the shared `started` counter. */
export const STARTED_SLOT = 0;
