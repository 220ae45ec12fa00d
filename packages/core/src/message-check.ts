/**
 * The check every task message goes through, on both sides (`wg.send` and `taskContext().send`): the
 * same portability rules as arguments and results, so a message that would not arrive as it was sent
 * fails the call that sent it, with a `CaptureError` naming what is wrong, never the group.
 */
import { CaptureError } from './errors.js';
import { findUnportable } from './portable.js';
import { printable } from './printable.js';

/**
 * Throws a `CaptureError` when `value` cannot cross an isolation boundary faithfully (a function, a
 * class instance, a symbol, ...). Primitives pass at once.
 *
 * @example
 * ```ts
 * checkMessage({ done: 3 }, 'wg.send()'); // passes
 * checkMessage(() => 1, 'wg.send()');     // throws CaptureError
 * ```
 */
export function checkMessage(value: unknown, call: string): void {
  if (
    value === null ||
    (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol')
  )
    return;
  const problems = findUnportable(value, 'message');
  if (problems.length === 0) return;
  const lines = problems.map((p) => `  ${p.what}: ${p.hint}`);
  const head = `${call}: the message cannot cross an isolation boundary faithfully (messages are structured-cloned under every driver):`;
  throw new CaptureError([head, ...lines].join('\n'), problems);
}

/**
 * A snapshot of a checked message (structured clone), for a message that waits before it is handed to
 * a transport: what the sender changes afterwards is not seen. Throws `TypeError` if it cannot be cloned.
 *
 * @example
 * ```ts
 * const kept = snapshotMessage(value, 'wg.send()');
 * ```
 */
export function snapshotMessage(value: unknown, call: string): unknown {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
  try {
    return structuredClone(value);
  } catch (err) {
    throw new TypeError(`${call}: the message cannot be cloned: ${printable(err)}`);
  }
}
