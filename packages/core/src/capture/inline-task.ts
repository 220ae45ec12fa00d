/**
 * Inline functions as tasks: the source is parsed with acorn, its free variables found with periscopic,
 * and anything that is not a parameter, a local, a standard global or an allowed name is a CaptureError.
 *
 * TODO(helper): implement fully.
 */
import type { TaskSpec } from '../task.js';

/**
 * Turns an inline function into a task spec whose `source` is an expression evaluating to the function.
 * Throws `CaptureError` for captured variables, `SpawnError` for bound/native functions and classes.
 * Results are cached by source text (and by function identity).
 *
 * @example
 * ```ts
 * inlineTaskSpec((a: number, b: number) => a + b); // { kind: 'inline', source: '(a, b) => a + b' }
 * ```
 */
export function inlineTaskSpec(fn: Function, allowedGlobals: ReadonlySet<string> = new Set()): TaskSpec {
  void allowedGlobals;
  return { kind: 'inline', source: fn.toString() };
}
