/**
 * What a job's stored state in Redis says about the slots of its tasks: settled (with the outcome the
 * worker stored, or `crashed` when it failed, stalled or vanished), to be run again (a stalled task with
 * attempts left, or one its dead worker never started), or nothing yet. The driver reads it when an event other than "completed" arrives, when a "completed"
 * event carries something unexpected, and on every sweep, so a missed event never loses a slot.
 */
import type { Result } from '@isolane/core/driver-kit';
import type { ProducerLink } from './producer-link.js';
import { crashed } from './queue-entry.js';
import { messagesMark, outcomeOf, readOutcome } from './wire.js';

/**
 * How many times a job may come back unstarted from a worker that died holding it before its slot fails
 * as `crashed` instead. A job is marked started right after it goes to its worker's local driver: a task
 * that kills its worker within that instant (a native crash, `process.kill(process.pid, 'SIGKILL')`) can
 * look unstarted, and must not go round the workers killing each one for ever.
 */
export const MAX_UNSTARTED_RETURNS = 5;

/** The verdict on one task of a job. */
export type TaskVerdict =
  /** Settle the slot with this result (`mark`: after the task's messages up to it, worker-messages.ts). */
  | { readonly kind: 'settle'; readonly result: Result<unknown>; readonly mark?: string | undefined }
  /**
   * Its worker died holding it: add it again — as a new run when it had started and attempts are left,
   * or as the same run (`started: false`) when the worker had only fetched it, never started it.
   */
  | { readonly kind: 'retry'; readonly started: boolean };

/** The verdict on one job (and so on every task it carries). */
export type StoredVerdict =
  /** Final for each task asked about, in the order asked. */
  | { readonly kind: 'each'; readonly tasks: readonly TaskVerdict[] }
  /** Started, unfinished and unlocked on this sweep: stalled if it is still so on the next one. */
  | { readonly kind: 'unlocked' }
  /** Running, waiting, or not read on a sweep: leave it to its events and the next sweep. */
  | { readonly kind: 'pending' };

/** A task of the job, as the verdict needs it. */
export interface VerdictTask {
  /** Its place in a bundle job (undefined: alone in its job). */
  readonly index?: number | undefined;
  /** Runs so far (1 on the first). */
  readonly runs: number;
  /** Times it came back unstarted from a dead worker so far. */
  readonly returned: number;
}

/** What the verdict needs to know of the job. */
export interface VerdictInput {
  /** The BullMQ job id. */
  readonly id: string;
  /** Its tasks still waiting for an outcome. */
  readonly tasks: readonly VerdictTask[];
  /** The sweep saw it unlocked before (0: not). */
  readonly unlockedAt: number;
  /** Read by the periodic sweep (only a sweep may take an unlocked job for stalled). */
  readonly sweep: boolean;
  /** The driver's `attempts` option. */
  readonly attempts: number;
}

/**
 * Reads a job's stored state and judges each of its tasks. Rejects when Redis cannot be read (the
 * connection watchdog decides what that does to the slots).
 *
 * @example
 * ```ts
 * const v = await storedVerdict(link, { id: '7', tasks: [{ runs: 1, returned: 0 }], unlockedAt: 0, sweep: true, attempts: 1 });
 * if (v.kind === 'each' && v.tasks[0]?.kind === 'settle') sink.settle(v.tasks[0].result);
 * ```
 */
export async function storedVerdict(link: ProducerLink, input: VerdictInput): Promise<StoredVerdict> {
  const { id } = input;
  const job = await link.stored(
    id,
    input.tasks.map((t) => t.index),
  );
  const all = (verdict: TaskVerdict): StoredVerdict => ({
    kind: 'each',
    tasks: input.tasks.map(() => verdict),
  });
  if (!job) {
    return all({
      kind: 'settle',
      result: crashed(
        `job ${id} vanished from Redis at ${link.name} before it reported an outcome (Redis restarted without persistence, or evicted keys: check maxmemory-policy)`,
        'ISOLANE_JOB_LOST',
      ),
    });
  }
  let reason: string;
  if (job.finishedOn) {
    if (!job.failedReason) {
      const outcomes = input.tasks.map((t) => outcomeOf(job.returnvalue, t.index));
      const results = outcomes.map(readSafely);
      if (results.every((r) => r !== undefined)) {
        return {
          kind: 'each',
          tasks: results.map((result, i) => ({
            kind: 'settle',
            result: result as Result<unknown>,
            mark: messagesMark(outcomes[i]),
          })),
        };
      }
    }
    reason = job.failedReason || 'the job finished without an outcome';
  } else {
    // Workers notice each other's stalled jobs; when none is left alive, the producer must.
    if (!input.sweep || !job.processedOn || (await link.locked(id))) return { kind: 'pending' };
    // Seen unlocked on two sweeps in a row: not a job that finished between the two reads.
    if (input.unlockedAt === 0) return { kind: 'unlocked' };
    reason = 'job stalled: its worker stopped renewing its lock and no live worker failed it';
  }
  const stalled = /stalled/i.test(reason);
  return {
    kind: 'each',
    tasks: input.tasks.map((task, i) => judge(id, task, job.started[i] === true, stalled, reason, input)),
  };
}

/** The verdict on one task of a job that failed or stalled. */
function judge(
  id: string,
  task: VerdictTask,
  started: boolean,
  stalled: boolean,
  why: string,
  input: VerdictInput,
): TaskVerdict {
  let reason = why;
  // The worker died holding a task it had fetched but not started (job-gate.ts): it never ran, so it
  // goes back to the queue whatever `attempts` says — up to a bound.
  if (stalled && !started) {
    if (task.returned < MAX_UNSTARTED_RETURNS) return { kind: 'retry', started: false };
    reason = `${reason}; it came back unstarted from ${task.returned} workers that died holding it before (at most ${MAX_UNSTARTED_RETURNS}), so its task may be what kills them`;
  }
  // The worker died running the task: run it again (at-least-once), as `attempts` asks.
  if (stalled && task.runs < input.attempts) return { kind: 'retry', started: true };
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

/** A stored outcome, or undefined when it cannot be read (garbage written by something else). */
function readSafely(outcome: unknown): Result<unknown> | undefined {
  try {
    return readOutcome(outcome);
  } catch {
    return undefined;
  }
}
