/**
 * Shape checks for what a driver reads off a worker's channel: a task's `Result`, a `TaskFailure` and
 * the frames of the task's messages.
 * A driver checks before it reads a field, so a message of the wrong shape (`null`, a number, a
 * half-built result) is a protocol violation it reports, never a host exception or a slot that holds
 * `null`. Each check returns `undefined` when the value is well-formed, else what is wrong with it, in
 * words for `channelCorruptedFailure`'s `detail`. Cheap: a few type tests, no deep walk.
 */
import { FAILURE_KINDS, MAX_CAUSE_DEPTH } from '../failure.js';
import { isCreditCount } from '../message-frames.js';
import type { Result } from '../result.js';

const KINDS: ReadonlySet<unknown> = new Set(FAILURE_KINDS);

/**
 * A value read off a channel as a channel failure names it: `null`, an array, an object, or the type and
 * the first 40 characters of a primitive (a forged string can be huge).
 *
 * @example
 * ```ts
 * describeShape(null);  // 'null'
 * describeShape(42);    // 'number 42'
 * describeShape('x');   // '"x"'
 * ```
 */
export function describeShape(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  return `${typeof value} ${String(value).slice(0, 40)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isMs(value: unknown): boolean {
  return typeof value === 'number' && value >= 0 && value <= Number.MAX_VALUE;
}

/**
 * What is wrong with `value` as a `TaskFailure`, or `undefined` when it is one (a `kind` isolane
 * knows, a string `name` and `message`, optional fields of their types, a `cause` chain of failures).
 *
 * @example
 * ```ts
 * failureShapeProblem({ kind: 'threw', name: 'Error', message: 'boom' }); // undefined
 * failureShapeProblem(null);                                              // 'a failure that is null'
 * ```
 */
export function failureShapeProblem(value: unknown): string | undefined {
  let failure = value;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH; depth++) {
    if (!isRecord(failure)) return `a failure that is ${describeShape(failure)}`;
    const { kind, name, message, code, stack, exitCode, signal, cause } = failure;
    if (!KINDS.has(kind)) return `a failure of unknown kind ${describeShape(kind)}`;
    if (typeof name !== 'string' || typeof message !== 'string')
      return 'a failure without a string name and message';
    if (code !== undefined && typeof code !== 'string' && typeof code !== 'number')
      return `a failure whose code is ${describeShape(code)}`;
    if (stack !== undefined && typeof stack !== 'string') return 'a failure whose stack is not a string';
    if (exitCode !== undefined && typeof exitCode !== 'number')
      return 'a failure whose exitCode is not a number';
    if (signal !== undefined && typeof signal !== 'string') return 'a failure whose signal is not a string';
    if (cause === undefined) return undefined;
    failure = cause;
  }
  return `a failure whose cause chain is deeper than ${MAX_CAUSE_DEPTH}`;
}

/**
 * What is wrong with `value` as a task's `Result`, or `undefined` when it is one: `{ ok: true, value,
 * ms }` or `{ ok: false, error, ms }` with a well-formed failure and a non-negative `ms`.
 *
 * @example
 * ```ts
 * resultShapeProblem({ ok: true, value: 42, ms: 1.5 }); // undefined
 * resultShapeProblem(null);                              // 'a result that is null'
 * ```
 */
export function resultShapeProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return `a result that is ${describeShape(value)}`;
  if (!isMs(value.ms)) return `a result whose ms is ${describeShape(value.ms)}`;
  if (value.ok === true) return Object.hasOwn(value, 'value') ? undefined : 'a result without a value';
  if (value.ok === false) return failureShapeProblem(value.error);
  return `a result whose ok is ${describeShape(value.ok)}`;
}

/**
 * Narrows `value` to a `Result` when {@link resultShapeProblem} finds nothing wrong with it.
 *
 * @example
 * ```ts
 * if (isResultShape(message.result)) settle(message.result);
 * ```
 */
export function isResultShape(value: unknown): value is Result<unknown> {
  return resultShapeProblem(value) === undefined;
}

/**
 * What is wrong with `value` as a frame of a task's messages to its caller (`{ t: 'msg', v }`,
 * `{ t: 'progress', v }`, `{ t: 'credit', n }` with a whole `n` from 1 to `MESSAGE_WINDOW`), or
 * `undefined` when it is one. A driver checks each before it hands it to `JobSink.fromTask`: a malformed
 * one is channel corruption of that job, like any malformed message.
 *
 * @example
 * ```ts
 * taskFrameProblem({ t: 'msg', v: 1 });     // undefined
 * taskFrameProblem({ t: 'credit', n: -1 }); // 'a message credit of number -1'
 * ```
 */
export function taskFrameProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return `a message frame that is ${describeShape(value)}`;
  switch (value.t) {
    case 'msg':
    case 'progress':
      return Object.hasOwn(value, 'v') ? undefined : `a ${value.t} frame without a value`;
    case 'credit':
      return isCreditCount(value.n) ? undefined : `a message credit of ${describeShape(value.n)}`;
    default:
      return `a message frame of unknown type ${describeShape(value.t)}`;
  }
}
