/**
 * The producer's record of one job: where its outcome goes, where it is (queued here, being added,
 * in Redis, settled), and what the sweep has seen of it.
 */
import { type JobSink, makeFailure, type Result, type TaskFailure } from '@isolane/core/driver-kit';
import type { JobPayload } from './wire.js';

/** One `go()` of a queue driver. */
export interface Entry {
  readonly sink: JobSink;
  readonly payload?: JobPayload;
  state: 'queued' | 'adding' | 'added' | 'done';
  id?: string;
  /** When its job was last added to Redis (performance.now()). */
  addedAt: number;
  runs: number;
  /** Times its job came back unstarted from a worker that died holding it (stored-verdict.ts). */
  returned: number;
  reading: boolean;
  /** When the sweep first found the job started, unfinished and unlocked (0: not seen so). */
  unlockedAt: number;
  /** Late errors that arrived before the outcome was read: delivered right after it. */
  strays?: TaskFailure[];
}

/**
 * The entry of a `go()`: queued with its payload, or already settled with the failure that prevented
 * one (the slot fails at once: outside the root, unsendable arguments, a closed driver).
 *
 * @example
 * ```ts
 * const entry = newEntry(sink, jobPayload(job, settings)); // entry.state: 'queued' or 'done'
 * ```
 */
export function newEntry(
  sink: JobSink,
  made: { readonly payload: JobPayload } | { readonly failure: TaskFailure },
): Entry {
  if ('failure' in made) {
    sink.settle({ ok: false, error: made.failure, ms: 0 });
    return { sink, state: 'done', addedAt: 0, runs: 0, returned: 0, reading: false, unlockedAt: 0 };
  }
  return {
    sink,
    payload: made.payload,
    state: 'queued',
    addedAt: 0,
    runs: 0,
    returned: 0,
    reading: false,
    unlockedAt: 0,
  };
}

/**
 * A `crashed` result with a code users can branch on.
 *
 * @example
 * ```ts
 * crashed('job 7 vanished from Redis', 'ISOLANE_JOB_LOST');
 * ```
 */
export function crashed(message: string, code: string): Result<unknown> {
  return { ok: false, error: makeFailure('crashed', message, { code }), ms: 0 };
}
