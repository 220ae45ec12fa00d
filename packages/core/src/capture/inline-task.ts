/**
 * Inline functions as tasks: the source is parsed with acorn, its free variables found with periscopic,
 * and anything that is not a parameter, a local, a standard global or an allowed name is a CaptureError.
 * Results (the spec, or the error to throw) are cached by function identity and by source text, so a
 * function seen before costs one WeakMap lookup.
 */
import { CaptureError, type CaptureProblem, SpawnError } from '../errors.js';
import type { TaskSpec } from '../task.js';
import { describeCaptures } from './capture-hints.js';
import { findOuterReferences } from './free-variables.js';
import { parseFunction } from './function-source.js';

/** A cached outcome: the spec, or what to throw (a fresh error each time, with the same information). */
type Outcome =
  | { readonly spec: TaskSpec }
  | {
      readonly error: {
        readonly kind: 'capture';
        readonly message: string;
        readonly problems: readonly CaptureProblem[];
      };
    }
  | { readonly error: { readonly kind: 'spawn'; readonly message: string } };

interface IdentityEntry {
  readonly allowed: ReadonlySet<string>;
  /** The set's size when analysed: a set that grew or shrank since is analysed again. */
  readonly allowedSize: number;
  readonly outcome: Outcome;
}

const SOURCE_CACHE_LIMIT = 1_000;
const byFunction = new WeakMap<Function, IdentityEntry>();
const bySource = new Map<string, Outcome>();
/** Cache key part for an allowed-globals set, remembered per set (sorted once, not per call). */
const allowedKeys = new WeakMap<ReadonlySet<string>, { readonly size: number; readonly key: string }>();

/**
 * Turns an inline function into a task spec whose `source` is an expression evaluating to the function.
 * Throws `CaptureError` for captured variables, `SpawnError` for bound/native functions and classes.
 * Results are cached by source text (and by function identity).
 *
 * @example
 * ```ts
 * inlineTaskSpec((a: number, b: number) => a + b); // { kind: 'inline', source: '(a, b) => a + b' }
 * inlineTaskSpec((x: number) => x * limit); // throws CaptureError naming `limit`, with line:column
 * inlineTaskSpec((x: number) => x * limit, new Set(['limit'])); // ok: the bootstrap provides `limit`
 * ```
 */
export function inlineTaskSpec(fn: Function, allowedGlobals: ReadonlySet<string> = new Set()): TaskSpec {
  if (typeof fn !== 'function') {
    const got = fn === null ? 'null' : typeof fn;
    throw new SpawnError(
      `an inline task must be a function, got ${got}: pass a function (or a module task made with defineTask)`,
    );
  }
  const seen = byFunction.get(fn);
  if (
    seen !== undefined &&
    seen.allowedSize === allowedGlobals.size &&
    (seen.allowed === allowedGlobals || allowedGlobals.size === 0)
  ) {
    return settle(seen.outcome);
  }
  const outcome = analyzeFunction(fn, allowedGlobals);
  byFunction.set(fn, { allowed: allowedGlobals, allowedSize: allowedGlobals.size, outcome });
  return settle(outcome);
}

function settle(outcome: Outcome): TaskSpec {
  if ('spec' in outcome) return outcome.spec;
  const { error } = outcome;
  if (error.kind === 'spawn') throw new SpawnError(error.message);
  throw new CaptureError(
    error.message,
    error.problems.map((p) => ({ ...p })),
  );
}

function analyzeFunction(fn: Function, allowed: ReadonlySet<string>): Outcome {
  const text = Function.prototype.toString.call(fn);
  const key = `${allowedKey(allowed)}\u0000${text}`;
  const cached = bySource.get(key);
  if (cached !== undefined) {
    // Refresh recency: Map iteration order is insertion order, so the first key is the least recent.
    bySource.delete(key);
    bySource.set(key, cached);
    return cached;
  }
  const outcome = analyzeSource(fn, allowed);
  // Bound and native functions all share one text; their outcome depends on the function, not the text.
  if (!/\[native code\]\s*\}\s*$/.test(text)) {
    if (bySource.size >= SOURCE_CACHE_LIMIT) {
      const oldest = bySource.keys().next();
      if (!oldest.done) bySource.delete(oldest.value);
    }
    bySource.set(key, outcome);
  }
  return outcome;
}

function analyzeSource(fn: Function, allowed: ReadonlySet<string>): Outcome {
  try {
    const parsed = parseFunction(fn);
    const outer = findOuterReferences(parsed.root).filter((ref) => {
      if (ref.kind === 'identifier') return !allowed.has(ref.name);
      if (ref.kind === 'global-property') return !allowed.has(ref.property ?? '');
      return true;
    });
    // `typeof x` on an undeclared name is feature detection, not a capture, unless `x` is also used otherwise.
    const usedPlainly = new Set(outer.filter((ref) => !ref.inTypeof).map((ref) => ref.name));
    const captures = outer.filter((ref) => usedPlainly.has(ref.name));
    if (captures.length === 0) return { spec: Object.freeze({ kind: 'inline', source: parsed.source }) };
    const label = fn.name ? `inline task "${fn.name}"` : 'inline task';
    const { message, problems } = describeCaptures(captures, parsed, label);
    return { error: { kind: 'capture', message, problems: Object.freeze(problems) } };
  } catch (err) {
    if (err instanceof SpawnError) return { error: { kind: 'spawn', message: err.message } };
    throw err;
  }
}

function allowedKey(allowed: ReadonlySet<string>): string {
  if (allowed.size === 0) return '';
  const known = allowedKeys.get(allowed);
  if (known !== undefined && known.size === allowed.size) return known.key;
  const key = [...allowed].sort().join(',');
  allowedKeys.set(allowed, { size: allowed.size, key });
  return key;
}
