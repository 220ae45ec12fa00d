/**
 * Where a failure goes once its slot has settled (a timer a task left behind threw after it returned):
 * the group's `onError` handler, else stderr. Never blamed on another slot, never lost silently.
 */
import type { TaskFailure } from './failure.js';
import { textOf } from './printable.js';

/** Receives a failure whose slot already has its result, with that slot's index. */
export type StrayHandler = (failure: TaskFailure, slot: number) => void;

/**
 * Routes a failure that has no open slot: to the handler when there is one, else to stderr. A handler
 * that throws does not swallow the failure: both are printed.
 *
 * @example
 * ```ts
 * reportStray(undefined, failure, 3); // prints "isolane: slot 3 failed after it settled: ..."
 * ```
 */
export function reportStray(handler: StrayHandler | undefined, failure: TaskFailure, slot: number): void {
  if (handler) {
    try {
      handler(failure, slot);
      return;
    } catch (err) {
      process.stderr.write(`isolane: the onError handler threw: ${textOf(err)}\n`);
    }
  }
  process.stderr.write(
    `isolane: slot ${slot} failed after it settled (${failure.kind}): ${failure.name}: ${failure.message}\n${failure.stack ?? ''}\n`,
  );
}
