/**
 * The producer's records: one per `go()` (an entry: where its outcome goes, where it is — queued here,
 * being added, in Redis, settled) and one per BullMQ job in Redis (the entries it carries, what the sweep
 * has seen of it).
 */
import { type JobSink, makeFailure, type Result, type TaskFailure } from '@isolane/core/driver-kit';
import type { BundlePayload, JobPayload } from './wire.js';

/** One `go()` of a queue driver. */
export interface Entry {
  readonly sink: JobSink;
  readonly payload?: JobPayload;
  state: 'queued' | 'adding' | 'added' | 'done';
  /** Its task id once added (wire.ts `taskId`: its job's id, `<job>.<index>` in a bundle). */
  id?: string;
  /** Its BullMQ job's id once added. */
  job?: string;
  /** Its place in a bundle job (undefined: alone in its job). */
  index?: number | undefined;
  runs: number;
  /** Times it came back unstarted from a worker that died holding it (stored-verdict.ts). */
  returned: number;
  /** Late errors that arrived before the outcome was read: delivered right after it. */
  strays?: TaskFailure[];
}

/** One BullMQ job of the driver in Redis. */
export interface JobRecord {
  /** Its entries still waiting for an outcome (in bundle order). */
  readonly members: Entry[];
  /** How many tasks it carries. */
  readonly size: number;
  /** When it was added to Redis (performance.now()). */
  readonly addedAt: number;
  /** A bundle's data as stored (rewritten when one of its tasks is aborted while it waits). */
  data?: BundlePayload;
  reading: boolean;
  /** When the sweep first found it started, unfinished and unlocked (0: not seen so). */
  unlockedAt: number;
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
    return { sink, state: 'done', runs: 0, returned: 0 };
  }
  return { sink, payload: made.payload, state: 'queued', runs: 0, returned: 0 };
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
