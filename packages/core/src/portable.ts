/**
 * Portability of arguments and results: what structured clone keeps faithfully may cross a boundary;
 * anything it would reject or silently change (functions, symbols, weak collections, promises, class
 * instances whose prototype would be dropped, host objects) is reported with its path.
 *
 * TODO(helper): implement fully.
 */
import { CaptureError, type CaptureProblem } from './errors.js';

/**
 * Lists what in `value` cannot cross an isolation boundary faithfully, each with its path
 * (`args[1].db`). Empty when the value is portable.
 *
 * @example
 * ```ts
 * findUnportable({ db: new Database() }, 'args[0]'); // [{ what: 'args[0].db', ... }]
 * ```
 */
export function findUnportable(value: unknown, path: string): CaptureProblem[] {
  void value;
  void path;
  return [];
}

/**
 * Throws a {@link CaptureError} naming every non-portable argument.
 *
 * @example
 * ```ts
 * assertPortableArgs([1, { ok: true }]); // passes
 * ```
 */
export function assertPortableArgs(args: readonly unknown[]): void {
  const problems: CaptureProblem[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === null || (typeof arg !== 'object' && typeof arg !== 'function' && typeof arg !== 'symbol')) continue;
    problems.push(...findUnportable(arg, `args[${i}]`));
  }
  if (problems.length > 0) {
    throw new CaptureError(problems.map((p) => `${p.what}: ${p.hint}`).join('\n'), problems);
  }
}
