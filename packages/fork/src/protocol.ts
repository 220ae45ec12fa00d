/**
 * The messages between the fork driver and its child processes. They travel only over the channel of
 * core's driver-kit (`ChildChannel`: keyed, length-prefixed `v8.serialize` frames on two extra pipes),
 * never over stdout/stderr or Node's IPC channel, so whatever a task prints or writes to a descriptor
 * cannot pass for them — and the parent checks the shape of each before reading a field.
 */
import { taskFrameProblem } from '@isolane/core/driver-kit';
import type { CallerFrame, OneTaskJob, OneTaskMessage } from '@isolane/core/runtime';

/** What a child is started with (one JSON argument on its command line). */
export interface ChildConfig {
  /** Module URL loaded before the task. */
  readonly bootstrap?: string;
  /**
   * Poll the parent pid from a watchdog thread every this many ms (0 or absent: no watchdog; set only
   * where the child got no kernel parent-death signal).
   */
  readonly watchdogMs?: number;
  /** Task modules to import while idle, so a prespawned child does not load them on the clock. */
  readonly warm?: readonly string[];
  /** The driver's `maxResultMb`: a larger result fails as `unserializable` in the child. */
  readonly maxResultMb?: number;
}

/** Parent → child: the one task this child runs. */
export interface JobMessage extends OneTaskJob {
  readonly t: 'job';
}

/** Parent → child: the job, then the caller's messages to its task (`msg`, `credit`). */
export type ParentMessage = JobMessage | CallerFrame;

/**
 * Child → parent: core's one-task messages (`start`, `result`, `stray`, and the task's messages `msg`,
 * `progress`, `credit`), see `OneTaskMessage`.
 */
export type ChildMessage = OneTaskMessage;

/**
 * What is wrong with a message from a child (undefined: it is a well-formed {@link ChildMessage}). Only
 * the child's entry can write a frame the parent decodes, so a wrong shape means a broken child; it is
 * a protocol violation, never a field read on a bad value.
 *
 * @example
 * ```ts
 * const problem = childMessageProblem(value);
 * if (problem !== undefined) corrupt(`a message of the wrong shape (${problem})`);
 * ```
 */
export function childMessageProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return value === null ? 'null' : typeof value;
  const m = value as { t?: unknown; result?: unknown; failure?: unknown };
  switch (m.t) {
    case 'start':
      return undefined;
    case 'result': {
      const r = m.result as { ok?: unknown; error?: unknown } | null;
      if (typeof r !== 'object' || r === null || typeof r.ok !== 'boolean')
        return 'a result that is not a Result';
      return r.ok ? undefined : failureProblem(r.error);
    }
    case 'stray':
      return failureProblem(m.failure);
    case 'msg':
    case 'progress':
    case 'credit':
      return taskFrameProblem(value);
    default:
      return `an unknown message type ${JSON.stringify(String(m.t)).slice(0, 40)}`;
  }
}

function failureProblem(failure: unknown): string | undefined {
  const f = failure as { kind?: unknown; message?: unknown } | null;
  if (typeof f !== 'object' || f === null || typeof f.kind !== 'string' || typeof f.message !== 'string')
    return 'a failure that is not a TaskFailure';
  return undefined;
}
