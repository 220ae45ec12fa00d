/**
 * What a job's stored state in Redis says about its slot: settled (with the outcome the worker stored,
 * or `crashed` when it failed, stalled or vanished), to be run again (a stalled job with attempts left),
 * or nothing yet. The driver reads it when an event other than "completed" arrives, when a "completed"
 * event carries something unexpected, and on every sweep, so a missed event never loses a slot.
 */
import type { Result } from '@isolane/core/driver-kit';
import type { ProducerLink } from './producer-link.js';
import { crashed } from './queue-entry.js';
import { messagesMark, readOutcome } from './wire.js';

/**
 * How many times a job may come back unstarted from a worker that died holding it before its slot fails
 * as `crashed` instead. A job is marked started right after it goes to its worker's local driver: a task
 * that kills its worker within that instant (a native crash, `process.kill(process.pid, 'SIGKILL')`) can
 * look unstarted, and must not go round the workers killing each one for ever.
 */
export const MAX_UNSTARTED_RETURNS = 5;

/** The verdict on one job. */
export type StoredVerdict =
  /** Settle the slot with this result (`mark`: after the task's messages up to it, worker-messages.ts). */
  | { readonly kind: 'settle'; readonly result: Result<unknown>; readonly mark?: string | undefined }
  /**
   * Its worker died holding it: add it again — as a new run when it had started and attempts are left,
   * or as the same run (`started: false`) when the worker had only fetched it, never started it.
   */
  | { readonly kind: 'retry'; readonly started: boolean }
  /** Started, unfinished and unlocked on this sweep: stalled if it is still so on the next one. */
  | { readonly kind: 'unlocked' }
  /** Running, waiting, or not read on a sweep: leave it to its events and the next sweep. */
  | { readonly kind: 'pending' };

/** What the verdict needs to know of the slot. */
export interface VerdictInput {
  readonly id: string;
  /** Runs so far (1 on the first). */
  readonly runs: number;
  /** Times it came back unstarted from a dead worker so far. */
  readonly returned: number;
  /** The sweep saw it unlocked before (0: not). */
  readonly unlockedAt: number;
  /** Read by the periodic sweep (only a sweep may take an unlocked job for stalled). */
  readonly sweep: boolean;
  /** The driver's `attempts` option. */
  readonly attempts: number;
}

/**
 * Reads a job's stored state and judges it. Rejects when Redis cannot be read (the connection watchdog
 * decides what that does to the slot).
 *
 * @example
 * ```ts
 * const v = await storedVerdict(link, { id: '7', runs: 1, returned: 0, unlockedAt: 0, sweep: true, attempts: 1 });
 * if (v.kind === 'settle') sink.settle(v.result);
 * ```
 */
export async function storedVerdict(link: ProducerLink, input: VerdictInput): Promise<StoredVerdict> {
  const { id } = input;
  const job = await link.stored(id);
  if (!job) {
    return {
      kind: 'settle',
      result: crashed(
        `job ${id} vanished from Redis at ${link.name} before it reported an outcome (Redis restarted without persistence, or evicted keys: check maxmemory-policy)`,
        'ISOLANE_JOB_LOST',
      ),
    };
  }
  let reason: string;
  if (job.finishedOn) {
    const outcome = job.failedReason ? undefined : readOutcome(job.returnvalue);
    if (outcome) return { kind: 'settle', result: outcome, mark: messagesMark(job.returnvalue) };
    reason = job.failedReason || 'the job finished without an outcome';
  } else {
    // Workers notice each other's stalled jobs; when none is left alive, the producer must.
    if (!input.sweep || !job.processedOn || (await link.locked(id))) return { kind: 'pending' };
    // Seen unlocked on two sweeps in a row: not a job that finished between the two reads.
    if (input.unlockedAt === 0) return { kind: 'unlocked' };
    reason = 'job stalled: its worker stopped renewing its lock and no live worker failed it';
  }
  const stalled = /stalled/i.test(reason);
  // The worker died holding a job it had fetched but not started (job-gate.ts): it never ran, so it
  // goes back to the queue whatever `attempts` says — up to a bound.
  if (stalled && !job.started) {
    if (input.returned < MAX_UNSTARTED_RETURNS) return { kind: 'retry', started: false };
    reason = `${reason}; it came back unstarted from ${input.returned} workers that died holding it before (at most ${MAX_UNSTARTED_RETURNS}), so its task may be what kills them`;
  }
  // The worker died running the job: run it again (at-least-once), as `attempts` asks.
  if (stalled && input.runs < input.attempts) return { kind: 'retry', started: true };
  return {
    kind: 'settle',
    result: stalled
      ? crashed(
          `the worker running job ${id} stopped (its lock expired: killed, or lost its Redis connection): ${reason}`,
          'ISOLANE_JOB_STALLED',
        )
      : crashed(`job ${id} failed on its worker: ${reason}`, 'ISOLANE_JOB_FAILED'),
  };
}
