/**
 * How a worker hands a task's outcome to its channel, with the one fallback every driver uses when the
 * channel cannot carry the value (a structured-clone or IPC serialization error the runtime's own
 * portability check did not foresee): the task fails with kind `'unserializable'`, one wording.
 */
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

/**
 * Posts a task's outcome, encoded by `encode`. When the channel refuses it, buffers listed in `transfer`
 * are copied instead (one that refuses to move, e.g. WebAssembly memory, can still be copied), and a
 * value that cannot be sent at all becomes the {@link unsendableResult} failure, posted in its place.
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
): void {
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
