/**
 * Task failures as plain data. A failure crosses every isolation boundary (structured clone, JSON)
 * unchanged, so callers branch on `kind` instead of catching exceptions.
 */
import { isErrorValue, printable, readProperty } from './printable.js';

/** Why a task's slot failed. */
export type FailureKind =
  | 'threw'
  | 'crashed'
  | 'timeout'
  | 'aborted'
  | 'oom'
  | 'unserializable'
  | 'bootstrap';

/** Every kind, in a stable order (useful for exhaustive tables). */
export const FAILURE_KINDS: readonly FailureKind[] = [
  'threw',
  'crashed',
  'timeout',
  'aborted',
  'oom',
  'unserializable',
  'bootstrap',
];

/**
 * A task's failure, as plain data.
 *
 * @example
 * ```ts
 * const [r] = await settle([() => { throw new RangeError('nope'); }]);
 * if (!r.ok && r.error.kind === 'threw') console.log(r.error.name); // 'RangeError'
 * ```
 */
export interface TaskFailure {
  kind: FailureKind;
  /** Original error class name ('TypeError', 'MyDomainError', ...). */
  name: string;
  message: string;
  code?: string | number;
  /** The worker-side stack, as text. */
  stack?: string;
  cause?: TaskFailure;
  /** For crashed processes and threads. */
  exitCode?: number;
  /** For processes killed by a signal. */
  signal?: string;
}

/** How deep a `cause` chain is followed before it is cut. */
export const MAX_CAUSE_DEPTH = 8;

/**
 * Builds a failure from scratch (drivers use this for deaths, timeouts and aborts).
 *
 * @example
 * ```ts
 * const f = makeFailure('timeout', 'task ran longer than 500 ms', { name: 'TimeoutError' });
 * ```
 */
export function makeFailure(
  kind: FailureKind,
  message: string,
  extra: Partial<Omit<TaskFailure, 'kind' | 'message'>> = {},
): TaskFailure {
  const failure: TaskFailure = { kind, name: extra.name ?? defaultName(kind), message };
  if (extra.code !== undefined) failure.code = extra.code;
  if (extra.stack !== undefined) failure.stack = extra.stack;
  if (extra.cause !== undefined) failure.cause = extra.cause;
  if (extra.exitCode !== undefined) failure.exitCode = extra.exitCode;
  if (extra.signal !== undefined) failure.signal = extra.signal;
  return failure;
}

function defaultName(kind: FailureKind): string {
  switch (kind) {
    case 'threw':
      return 'Error';
    case 'crashed':
      return 'CrashError';
    case 'timeout':
      return 'TimeoutError';
    case 'aborted':
      return 'AbortError';
    case 'oom':
      return 'OutOfMemoryError';
    case 'unserializable':
      return 'DataCloneError';
    case 'bootstrap':
      return 'BootstrapError';
  }
}

/**
 * Encodes anything that was thrown into a {@link TaskFailure}: keeps name, message, code, stack and the
 * `cause` chain (bounded by {@link MAX_CAUSE_DEPTH}); a thrown non-Error (`throw 'x'`, `throw 42`,
 * `throw {a: 1}`) still yields a readable message.
 *
 * @example
 * ```ts
 * toFailure(new TypeError('bad'), 'threw'); // { kind: 'threw', name: 'TypeError', message: 'bad', stack: '...' }
 * toFailure('oops', 'threw');               // { kind: 'threw', name: 'NonError', message: 'oops' }
 * ```
 */
export function toFailure(thrown: unknown, kind: FailureKind = 'threw', depth = 0): TaskFailure {
  try {
    return encodeThrown(thrown, kind, depth);
  } catch {
    // Inspecting it threw where no field read is guarded (a Proxy's ownKeys trap): still a failure.
    return { kind, name: 'NonError', message: UNPRINTABLE_THROWN };
  }
}

const UNPRINTABLE_THROWN = 'an unprintable value was thrown';

function encodeThrown(thrown: unknown, kind: FailureKind, depth: number): TaskFailure {
  if (isTaskFailure(thrown)) return { ...thrown, kind };
  if (isErrorValue(thrown) || isErrorLike(thrown)) {
    const failure: TaskFailure = {
      kind,
      name: safeString(errorName(thrown as object)) || 'Error',
      message: safeString(readProperty(thrown, 'message')),
    };
    const code = readProperty(thrown, 'code');
    if (typeof code === 'string' || typeof code === 'number') failure.code = code;
    const stack = readProperty(thrown, 'stack');
    if (typeof stack === 'string') failure.stack = stack;
    if (depth < MAX_CAUSE_DEPTH && hasCause(thrown as object)) {
      const cause = readProperty(thrown, 'cause');
      if (cause !== undefined) failure.cause = toFailure(cause, kind, depth + 1);
    }
    return failure;
  }
  return { kind, name: 'NonError', message: describeNonError(thrown) };
}

/**
 * True for a value shaped like a {@link TaskFailure} (a brand-free structural check that works across
 * realms, threads and processes).
 *
 * @example
 * ```ts
 * if (isTaskFailure(x)) console.log(x.kind);
 * ```
 */
export function isTaskFailure(value: unknown): value is TaskFailure {
  if (typeof value !== 'object' || value === null) return false;
  // Never throws: a Proxy or a throwing getter is simply not a failure.
  const kind = readProperty(value, 'kind');
  return (
    typeof kind === 'string' &&
    (FAILURE_KINDS as readonly string[]).includes(kind) &&
    typeof readProperty(value, 'name') === 'string' &&
    typeof readProperty(value, 'message') === 'string' &&
    !isErrorValue(value)
  );
}

/**
 * Turns a failure back into an `Error` for code that wants to throw it (used by `run()`).
 * The error's `name`, `code`, `stack` and `cause` mirror the failure; `error.failure` keeps the data.
 *
 * @example
 * ```ts
 * if (!r.ok) throw failureToError(r.error);
 * ```
 */
export function failureToError(failure: TaskFailure): Error & { failure: TaskFailure } {
  const options = failure.cause ? { cause: failureToError(failure.cause) } : undefined;
  const error = new Error(failure.message, options) as Error & {
    failure: TaskFailure;
    code?: string | number;
  };
  error.name = failure.name;
  if (failure.code !== undefined) error.code = failure.code;
  if (failure.stack !== undefined) error.stack = failure.stack;
  error.failure = failure;
  return error;
}

function isErrorLike(value: unknown): boolean {
  // Errors from another realm (vm context) fail instanceof but keep the shape.
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof readProperty(value, 'message') === 'string' &&
    typeof readProperty(value, 'stack') === 'string'
  );
}

function errorName(err: object): unknown {
  // A subclass that never set `name` still reports its class name.
  const name = readProperty(err, 'name');
  if (name && name !== 'Error') return name;
  const ctorName = readProperty(readProperty(err, 'constructor'), 'name');
  return typeof ctorName === 'string' && ctorName ? ctorName : name;
}

function hasCause(err: object): boolean {
  try {
    return 'cause' in err;
  } catch {
    return false;
  }
}

function safeString(value: unknown): string {
  return value === undefined || value === null ? '' : printable(value, '');
}

function describeNonError(thrown: unknown): string {
  if (typeof thrown === 'string') return thrown;
  if (thrown === undefined) return 'undefined was thrown';
  if (thrown === null) return 'null was thrown';
  if (typeof thrown === 'object') {
    try {
      return `non-Error thrown: ${JSON.stringify(thrown)}`;
    } catch {
      try {
        return `non-Error thrown: ${Object.prototype.toString.call(thrown)}`;
      } catch {
        return UNPRINTABLE_THROWN;
      }
    }
  }
  if (typeof thrown === 'bigint') return `${thrown}n was thrown`;
  return `${printable(thrown, '<unprintable value>')} was thrown`;
}
