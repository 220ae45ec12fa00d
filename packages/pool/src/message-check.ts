/**
 * The shape check of every message the pool reads from a worker, before any field is read: a tuple of
 * the right length for its tag, integer ids, failures that are failures. A worker's channel is private
 * (a task cannot reach it), so a message that fails this check means the worker's machinery was
 * subverted: the pool treats it as a corrupted channel, never as data.
 */
import { describeShape, failureShapeProblem } from '@isolane/core/driver-kit';
import { FROM_WORKER_FRAME } from './channel-protocol.js';
import {
  FROM_WORKER_BOUNCED,
  FROM_WORKER_EXITING,
  FROM_WORKER_FAIL,
  FROM_WORKER_FAIL_RUNNING,
  FROM_WORKER_OK,
  FROM_WORKER_READY,
  FROM_WORKER_RETIRE,
  FROM_WORKER_SKIPPED,
  FROM_WORKER_STRAY,
} from './protocol.js';

/** How many elements a message of each tag has. */
const LENGTHS = new Map<unknown, number>([
  [FROM_WORKER_READY, 1],
  [FROM_WORKER_OK, 4],
  [FROM_WORKER_FAIL, 4],
  [FROM_WORKER_SKIPPED, 2],
  [FROM_WORKER_BOUNCED, 2],
  [FROM_WORKER_FAIL_RUNNING, 3],
  [FROM_WORKER_STRAY, 3],
  [FROM_WORKER_RETIRE, 2],
  [FROM_WORKER_EXITING, 3],
]);

/** A job id as the worker sends it: an integer, -1 for "no job". */
function isId(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= -1;
}

function isMs(value: unknown): boolean {
  return typeof value === 'number' && value >= 0 && value <= Number.MAX_VALUE;
}

/**
 * What is wrong with `message` as a message from a pool worker, or `undefined` when it is well-formed.
 *
 * @example
 * ```ts
 * fromWorkerProblem([FROM_WORKER_OK, 7, 42, 0.3]); // undefined
 * fromWorkerProblem(null);                          // 'a message of the wrong shape (null)'
 * ```
 */
export function fromWorkerProblem(message: unknown): string | undefined {
  if (!Array.isArray(message)) return `a message of the wrong shape (${describeShape(message)})`;
  const tag: unknown = message[0];
  // A task's message frame is checked where it is routed, for threads and processes alike (task-channel.ts).
  if (tag === FROM_WORKER_FRAME) return undefined;
  const length = LENGTHS.get(tag);
  if (length === undefined) return `a message with an unknown tag (${describeShape(tag)})`;
  if (message.length !== length)
    return `a message of tag ${tag} with ${message.length} elements, not ${length}`;
  switch (tag) {
    case FROM_WORKER_READY:
      return undefined;
    case FROM_WORKER_RETIRE:
      return typeof message[1] === 'string' ? undefined : 'a retire message without a reason';
    case FROM_WORKER_EXITING:
      return isId(message[1]) && Number.isInteger(message[2]) ? undefined : 'an exit note of the wrong shape';
  }
  if (!isId(message[1])) return `a message of tag ${tag} whose job id is ${describeShape(message[1])}`;
  switch (tag) {
    case FROM_WORKER_OK:
      return isMs(message[3]) ? undefined : 'an outcome whose ms is not a duration';
    case FROM_WORKER_FAIL:
      return isMs(message[3]) ? failureShapeProblem(message[2]) : 'an outcome whose ms is not a duration';
    case FROM_WORKER_FAIL_RUNNING:
    case FROM_WORKER_STRAY:
      return failureShapeProblem(message[2]);
    default:
      return undefined; // SKIPPED, BOUNCED: the id is all they carry
  }
}
