/**
 * The outcome of one `go()`: a value or a failure, never an exception.
 */
import type { TaskFailure } from './failure.js';

/**
 * One slot's outcome. `ms` is the time the task ran (from its start, not from `go()`).
 *
 * @example
 * ```ts
 * for (const r of await wg.wait()) r.ok ? use(r.value) : report(r.error);
 * ```
 */
export type Result<T> = { ok: true; value: T; ms: number } | { ok: false; error: TaskFailure; ms: number };

/**
 * Narrows a result to its success branch.
 *
 * @example
 * ```ts
 * const values = results.filter(isOk).map((r) => r.value);
 * ```
 */
export function isOk<T>(result: Result<T>): result is { ok: true; value: T; ms: number } {
  return result.ok;
}
