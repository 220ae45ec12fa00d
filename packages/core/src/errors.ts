/**
 * Programmer errors thrown at the `go()` call site, before any worker sees the task. They carry a brand
 * so `isCaptureError` / `isSpawnError` work across realms and duplicated package copies.
 */

const CAPTURE_BRAND = Symbol.for('isolane.CaptureError');
const SPAWN_BRAND = Symbol.for('isolane.SpawnError');

/** One thing that cannot cross an isolation boundary. */
export interface CaptureProblem {
  /** The captured identifier (`db`) or the argument path (`args[1].db`). */
  what: string;
  /** Where it is used: `line:column` inside the function source, or the argument path. */
  where: string;
  /** How to pass it instead. */
  hint: string;
}

/**
 * `instanceof` for a branded error class: the ordinary prototype check, and for the class itself (not a
 * subclass) its brand, so an error from another copy of this package (the bundled task entry) matches.
 */
function brandedInstanceOf(
  asked: Function,
  base: Function,
  isBranded: (value: unknown) => boolean,
  value: unknown,
): boolean {
  return Function.prototype[Symbol.hasInstance].call(asked, value) || (asked === base && isBranded(value));
}

/**
 * The task cannot cross an isolation boundary: an inline function that uses variables of its enclosing
 * scope, or an argument that structured clone would not keep faithfully.
 *
 * @example
 * ```ts
 * try { wg.go(() => db.query()); } catch (e) { if (isCaptureError(e)) console.log(e.problems); }
 * ```
 */
export class CaptureError extends TypeError {
  readonly problems: readonly CaptureProblem[];
  readonly [CAPTURE_BRAND] = true;
  /** True for a CaptureError from any copy of this package (the task entry is bundled separately). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class `instanceof` was asked about (maybe a subclass)
    return brandedInstanceOf(this, CaptureError, isCaptureError, value);
  }
  constructor(message: string, problems: readonly CaptureProblem[]) {
    super(message);
    this.name = 'CaptureError';
    this.problems = problems;
  }
}

/**
 * The task cannot be resolved: not a function, a bound or native function, a class, a missing module.
 *
 * @example
 * ```ts
 * try { wg.go(Math.max, 1, 2); } catch (e) { if (isSpawnError(e)) console.log(e.message); }
 * ```
 */
export class SpawnError extends TypeError {
  readonly [SPAWN_BRAND] = true;
  /** True for a SpawnError from any copy of this package (the task entry is bundled separately). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class `instanceof` was asked about (maybe a subclass)
    return brandedInstanceOf(this, SpawnError, isSpawnError, value);
  }
  constructor(message: string) {
    super(message);
    this.name = 'SpawnError';
  }
}

/**
 * Brand check for {@link CaptureError} (works across realms and package copies).
 *
 * @example
 * ```ts
 * if (isCaptureError(err)) for (const p of err.problems) console.log(p.what, p.hint);
 * ```
 */
export function isCaptureError(value: unknown): value is CaptureError {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[CAPTURE_BRAND] === true
  );
}

/**
 * Brand check for {@link SpawnError}.
 *
 * @example
 * ```ts
 * if (isSpawnError(err)) console.error(err.message);
 * ```
 */
export function isSpawnError(value: unknown): value is SpawnError {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SPAWN_BRAND] === true
  );
}
