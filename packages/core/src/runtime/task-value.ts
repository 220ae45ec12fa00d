/**
 * What a task's value becomes: awaited when it is a thenable (through builtins taken at load), checked
 * for portability, its Node Buffers marked for the WaitGroup to rebuild, or the failure that says why it
 * cannot be sent back. Split out of runtime.ts.
 */
import { wrapBufferResult } from '../buffer-codec.js';
import { makeFailure, type TaskFailure, toFailure } from '../failure.js';
import { findUnportable, type PortableFindings } from '../portable.js';
import type { Result } from '../result.js';
import { isNativePromise, objectPrototype, PromiseCtor, reflectApply } from './intrinsics.js';

/** The part of the run options the value check reads. */
export interface ValueChecks {
  /** Check the value for portability and report `'unserializable'` (default true). */
  readonly checkResult?: boolean | undefined;
}

/**
 * The promise a task's value stands for, or undefined for a plain value. Only objects and functions can
 * be thenables; a `then` every object inherits (a task added one to `Object.prototype`) does not make a
 * value one. Throws what inspecting the value throws (a revoked proxy, a throwing `then` getter).
 *
 * @example
 * ```ts
 * awaitable(42);                  // undefined
 * awaitable(Promise.resolve(1));  // the promise itself
 * ```
 */
export function awaitable(value: unknown): Promise<unknown> | undefined {
  if ((typeof value !== 'object' || value === null) && typeof value !== 'function') return undefined;
  if (isNativePromise(value)) return value;
  const then = (value as { then?: unknown }).then;
  if (typeof then !== 'function' || then === objectPrototype.then) return undefined;
  return new PromiseCtor((resolve, reject) => {
    reflectApply(then, value, [resolve, reject]);
  });
}

/**
 * The failure of a task whose value threw when it was inspected.
 *
 * @example
 * ```ts
 * unreadableResult(new Error('revoked')).kind; // 'unserializable'
 * ```
 */
export function unreadableResult(err: unknown): TaskFailure {
  return makeFailure(
    'unserializable',
    `result cannot be sent back: reading it threw (${toFailure(err, 'threw').message}): pass plain data`,
  );
}

/**
 * A value the task produced, checked for portability unless the caller opted out; a value holding Node
 * Buffers is wrapped with their places, so the WaitGroup rebuilds them (buffer-codec).
 *
 * @example
 * ```ts
 * settled({ n: 1 }, 0.5, {}); // { ok: true, value: { n: 1 }, ms: 0.5 }
 * ```
 */
export function settled(value: unknown, ms: number, opts: ValueChecks): Result<unknown> {
  try {
    return checked(value, ms, opts);
  } catch (err) {
    return { ok: false, error: unreadableResult(err), ms };
  }
}

function checked(value: unknown, ms: number, opts: ValueChecks): Result<unknown> {
  if (opts.checkResult !== false) {
    const found: PortableFindings = { buffers: false };
    const problems = findUnportable(value, 'result', found);
    if (problems.length > 0) {
      const first = problems[0]!;
      return {
        ok: false,
        error: makeFailure('unserializable', `${first.what} cannot be sent back: ${first.hint}`),
        ms,
      };
    }
    if (found.buffers) return { ok: true, value: wrapBufferResult(value), ms };
  }
  return { ok: true, value, ms };
}
