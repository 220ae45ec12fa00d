/**
 * How a worker hands a task's outcome to its channel, with the one fallback every driver uses when the
 * channel cannot carry the value (a structured-clone or IPC serialization error the runtime's own
 * portability check did not foresee): the task fails with kind `'unserializable'`, one wording.
 */
import { serialize } from 'node:v8';
import { makeFailure, type TaskFailure } from '../failure.js';
import { printable } from '../printable.js';
import type { Result } from '../result.js';

/**
 * The worker's side of its channel to the parent (a thread's port, a child's IPC channel). Each entry
 * implements it for its channel; `post` throws when the channel cannot carry a value.
 *
 * @example
 * ```ts
 * const transport: RuntimeTransport<WorkerMessage> = {
 *   post: (message, transfer) => parentPort!.postMessage(message, transfer),
 * };
 * ```
 */
export interface RuntimeTransport<M> {
  /** Sends one message; `transfer` lists buffers that may move instead of being copied. */
  post(message: M, transfer?: readonly ArrayBuffer[]): void;
}

/**
 * The failure of a task whose result the channel refused: `err` is what the channel threw.
 *
 * @example
 * ```ts
 * unsendableResult(new Error('function could not be cloned'));
 * // { kind: 'unserializable', name: 'DataCloneError',
 * //   message: "the task's result cannot be sent back: function could not be cloned" }
 * ```
 */
export function unsendableResult(err: unknown): TaskFailure {
  // Never throws: what a getter of the result threw may be anything (a revoked Proxy, no prototype).
  const why = printable(err, 'an unprintable value was thrown');
  return makeFailure('unserializable', `the task's result cannot be sent back: ${why}`, {
    name: 'DataCloneError',
  });
}

/** Bytes in a MiB. */
const MIB = 1024 * 1024;

/**
 * The failure of a result larger than `maxResultMb`: `bytes` is its serialized size.
 *
 * @example
 * ```ts
 * oversizedResult(200 * 1024 * 1024, 64).message;
 * // "the task's result cannot be sent back: it is 200.0 MiB serialized, over maxResultMb (64)"
 * ```
 */
export function oversizedResult(bytes: number, maxResultMb: number): TaskFailure {
  return makeFailure(
    'unserializable',
    `the task's result cannot be sent back: it is ${(bytes / MIB).toFixed(1)} MiB serialized, over maxResultMb (${maxResultMb})`,
    { name: 'ResultTooLargeError', code: 'ERR_ISOLANE_RESULT_TOO_LARGE' },
  );
}

/**
 * The {@link oversizedResult} failure for `result` when its value, serialized, is over `maxResultMb`;
 * undefined when it fits, when there is no limit, or when it cannot be serialized (the channel says so).
 *
 * @example
 * ```ts
 * resultOverLimit({ ok: true, value: 'x'.repeat(2 ** 21), ms: 1 }, 1); // the oversizedResult failure
 * ```
 */
export function resultOverLimit(
  result: Result<unknown>,
  maxResultMb: number | undefined,
): TaskFailure | undefined {
  if (maxResultMb === undefined || !result.ok) return undefined;
  let bytes: number;
  try {
    bytes = serialize(result.value).byteLength;
  } catch {
    return undefined;
  }
  return bytes > maxResultMb * MIB ? oversizedResult(bytes, maxResultMb) : undefined;
}

/**
 * Posts a task's outcome, encoded by `encode`. When the channel refuses it, buffers listed in `transfer`
 * are copied instead (one that refuses to move, e.g. WebAssembly memory, can still be copied), and a
 * value that cannot be sent at all becomes the {@link unsendableResult} failure, posted in its place.
 * With `maxResultMb`, a value larger than that once serialized is not sent: the {@link oversizedResult}
 * failure goes instead (measured here, in the worker, so it never reaches the parent's heap).
 *
 * @example
 * ```ts
 * postOutcome(transport, result, (r) => ({ t: 'result', result: r }));
 * postOutcome(transport, result, (r) => (r.ok ? [OK, id, r.value, r.ms] : [FAIL, id, r.error, r.ms]));
 * ```
 */
export function postOutcome<M>(
  transport: RuntimeTransport<M>,
  result: Result<unknown>,
  encode: (result: Result<unknown>) => M,
  transfer?: readonly ArrayBuffer[],
  maxResultMb?: number,
): void {
  const tooLarge = resultOverLimit(result, maxResultMb);
  if (tooLarge !== undefined) {
    transport.post(encode({ ok: false, error: tooLarge, ms: result.ms }));
    return;
  }
  const message = encode(result);
  try {
    transport.post(message, transfer);
    return;
  } catch (err) {
    if (transfer !== undefined && transfer.length > 0) {
      try {
        transport.post(message);
        return;
      } catch {
        // the value itself cannot be sent
      }
    }
    transport.post(encode({ ok: false, error: unsendableResult(err), ms: result.ms }));
  }
}
