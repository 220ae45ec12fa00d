/**
 * A worker's reading of one task's payload: what to run on which local driver settings, or why it is
 * refused — an unknown format, a module or bootstrap outside the worker's root, an inline task on a
 * worker not started with `--allow-inline`, arguments that cannot be read. Anyone who can write to Redis
 * can write a job, so nothing in a payload is trusted.
 */
import { type Job, makeFailure, type Result, type TaskSpec } from '@isolane/core/driver-kit';
import { decode, encode, type JobOutcome, type JobPayload, resolveUnderRoot } from './wire.js';

/** What a worker allows. */
export interface IntakeRules {
  /** Absolute directory module tasks are resolved under. */
  readonly root: string;
  readonly allowInline: boolean;
  /** Module URL of the bootstrap used when a payload names none. */
  readonly bootstrap?: string | undefined;
}

/** A task to run, with the local driver settings it asks for. */
export interface Accepted {
  readonly job: Job;
  readonly bootstrap: string | undefined;
  readonly memoryLimitMb: number | undefined;
  /** The bootstrap's deadline (Infinity: none), or undefined for the driver's default. */
  readonly bootstrapTimeout: number | undefined;
}

/** A refused task: its failure's kind, message and code. */
export interface Refused {
  readonly refused: string;
  readonly code: string;
  readonly kind: 'threw' | 'bootstrap';
}

/**
 * Reads one task's payload.
 *
 * @example
 * ```ts
 * const read = intake(job.data, { root: '/srv/app', allowInline: false });
 * if ('refused' in read) return refusedOutcome(read);
 * ```
 */
export function intake(payload: unknown, rules: IntakeRules): Accepted | Refused {
  const data = payload as JobPayload;
  if (typeof data !== 'object' || data === null || data.v !== 1 || typeof data.args !== 'string') {
    return refused('the job is not an isolane task (unknown payload format)', 'ISOLANE_BAD_JOB');
  }
  let task: TaskSpec;
  if (data.task?.kind === 'inline') {
    if (!rules.allowInline) {
      return refused(
        'inline task refused: this worker was not started with --allow-inline (anyone who can write to Redis could run code on it); use a module task under the worker root',
        'ISOLANE_INLINE_REFUSED',
      );
    }
    task = { kind: 'inline', source: String(data.task.source) };
  } else if (data.task?.kind === 'module') {
    const at = resolveUnderRoot(data.task.path, rules.root);
    if ('refused' in at) return refused(at.refused, 'ISOLANE_OUTSIDE_ROOT');
    task = { kind: 'module', module: at.url, name: String(data.task.name) };
  } else {
    return refused('the job names no task', 'ISOLANE_BAD_JOB');
  }
  let bootstrap = rules.bootstrap;
  if (data.bootstrap !== undefined) {
    const at = resolveUnderRoot(data.bootstrap, rules.root);
    if ('refused' in at) return refused(at.refused, 'ISOLANE_OUTSIDE_ROOT', 'bootstrap');
    bootstrap = at.url;
  }
  let args: unknown[];
  try {
    args = decode(data.args) as unknown[];
    if (!Array.isArray(args)) throw new TypeError('the arguments are not an array');
  } catch (err) {
    return refused(`the job's arguments cannot be read: ${(err as Error).message}`, 'ISOLANE_BAD_JOB');
  }
  return {
    job: { task, args, ...(typeof data.timeout === 'number' ? { timeout: data.timeout } : {}) },
    bootstrap,
    memoryLimitMb: data.memoryLimitMb,
    // `null` on the wire: no bootstrap deadline (Infinity). The local driver checks the values.
    bootstrapTimeout:
      data.bootstrapTimeout === null ? Number.POSITIVE_INFINITY : (data.bootstrapTimeout ?? undefined),
  };
}

/**
 * A refusal.
 *
 * @example
 * ```ts
 * refused('the job names no task', 'ISOLANE_BAD_JOB'); // { refused: '...', code: 'ISOLANE_BAD_JOB', kind: 'threw' }
 * ```
 */
export function refused(message: string, code: string, kind: 'threw' | 'bootstrap' = 'threw'): Refused {
  return { refused: message, code, kind };
}

/**
 * The stored outcome of a refused task.
 *
 * @example
 * ```ts
 * refusedOutcome(refused('the job names no task', 'ISOLANE_BAD_JOB')); // { r: '...' }
 * ```
 */
export function refusedOutcome(r: Refused): JobOutcome {
  return outcome({
    ok: false,
    error: makeFailure(r.kind, r.refused, {
      name: r.kind === 'threw' ? 'RefusedError' : 'BootstrapError',
      code: r.code,
    }),
    ms: 0,
  });
}

/**
 * A task's stored outcome (`mark`: the last frame of its message stream); a result that cannot be
 * written becomes an `unserializable` failure.
 *
 * @example
 * ```ts
 * outcome({ ok: true, value: 1, ms: 2 }); // { r: '~{"ok":true,"value":1,"ms":2}' }
 * ```
 */
export function outcome(result: Result<unknown>, mark?: string): JobOutcome {
  try {
    return mark === undefined ? { r: encode(result) } : { r: encode(result), m: mark };
  } catch (err) {
    return {
      r: encode({
        ok: false,
        error: makeFailure('unserializable', `the result cannot be sent back: ${(err as Error).message}`),
        ms: result.ms,
      }),
    };
  }
}
