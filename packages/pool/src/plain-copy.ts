/**
 * A fast snapshot of plain data — objects whose prototype is `Object.prototype` or `null`, dense arrays,
 * primitives — giving what `structuredClone` gives for it; anything else (a Map, a Date, a typed array, a
 * sparse array, an object met twice, deep nesting) is left to `structuredClone`. A task's stream of small
 * messages is mostly plain data, and `structuredClone`'s fixed cost per call (about a microsecond) is
 * most of what such a message costs to snapshot.
 *
 * What it calls is taken at load, before a task could replace it.
 */
const keysOf = Object.keys;
const protoOf = Object.getPrototypeOf;
const isArray = Array.isArray;
const objectProto = Object.prototype;
const arrayProto = Array.prototype;
const clone: typeof structuredClone = structuredClone;

/** Nesting past this depth goes to `structuredClone`. */
const MAX_DEPTH = 16;
/** Objects and arrays past this many in one value go to `structuredClone`. */
const MAX_NODES = 256;

/** Thrown inside the fast copy when the value is not plain data: the slow path takes over. */
const NOT_PLAIN = Symbol('not plain');

/**
 * A snapshot of `value`, as `structuredClone(value)` gives it (throws what it throws).
 *
 * @example
 * ```ts
 * const mine = { n: 1, tags: ['a'] };
 * const copy = snapshotValue(mine); // { n: 1, tags: ['a'] }, sharing nothing with `mine`
 * ```
 */
export function snapshotValue(value: unknown): unknown {
  if (value === null) return value;
  const type = typeof value;
  if (type === 'function' || type === 'symbol') return clone(value); // throws, as structuredClone does
  if (type !== 'object') return value;
  const seen: object[] = [];
  try {
    return copy(value as object, 0, seen);
  } catch (err) {
    if (err !== NOT_PLAIN) throw err;
    return clone(value);
  }
}

function copy(value: object, depth: number, seen: object[]): unknown {
  if (depth > MAX_DEPTH || seen.length >= MAX_NODES) throw NOT_PLAIN;
  // An object met twice (shared or cyclic) keeps its identity in a structured clone: the slow path.
  for (let i = 0; i < seen.length; i++) if (seen[i] === value) throw NOT_PLAIN;
  seen[seen.length] = value;
  if (isArray(value)) {
    if (protoOf(value) !== arrayProto) throw NOT_PLAIN;
    const keys = keysOf(value);
    const n = value.length;
    if (keys.length !== n) throw NOT_PLAIN; // holes or extra properties
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = field(value[i], depth, seen);
    return out;
  }
  const proto = protoOf(value);
  if (proto !== objectProto && proto !== null) throw NOT_PLAIN;
  const out: Record<string, unknown> = {};
  const keys = keysOf(value);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (k === '__proto__') throw NOT_PLAIN; // an own "__proto__" key: a plain assignment would not copy it
    out[k] = field((value as Record<string, unknown>)[k], depth, seen);
  }
  return out;
}

function field(v: unknown, depth: number, seen: object[]): unknown {
  if (v === null) return v;
  const type = typeof v;
  if (type === 'object') return copy(v as object, depth + 1, seen);
  if (type === 'function' || type === 'symbol') throw NOT_PLAIN; // structuredClone's own error
  return v;
}
