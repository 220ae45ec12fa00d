/**
 * A hand-written encoding for the small messages that make up most of a process channel's traffic —
 * a job of a few primitive arguments, an answer carrying a number or a short string — with exactly the
 * values `v8.deserialize(v8.serialize(x))` gives for them. `v8.serialize` builds a Serializer object per
 * call (and `deserialize` a Deserializer): ~5–10 µs each, four of them per warm round trip, more than the
 * rest of the channel's work. This format costs well under a microsecond for such messages; anything it
 * does not cover (objects, typed arrays, bigints, long strings, deep or long arrays, proxies, arrays with
 * holes or extra properties) is left to `v8.serialize`, so the channel's values are the same either way.
 *
 * A fast payload starts with {@link FAST_TAG}; a V8 payload always starts with its version tag (0xFF),
 * so the frame reader tells them apart by their first byte. Layout after the tag, one value (little
 * endian): 0 undefined · 1 null · 2 false · 3 true · 4 int32 · 5 float64 (any other number: -0, NaN,
 * fractions) · 6 one-byte string (u16 length, latin-1 bytes) · 7 two-byte string (u16 length, UTF-16
 * code units) · 8 array (u16 length, then its items).
 *
 * Everything it calls is captured at load: it also runs in a child whose tasks may patch builtins.
 */
import { types } from 'node:util';

/** First byte of a fast payload (V8's start with 0xFF). */
export const FAST_TAG = 0x01;

const T_UNDEFINED = 0;
const T_NULL = 1;
const T_FALSE = 2;
const T_TRUE = 3;
const T_INT32 = 4;
const T_FLOAT64 = 5;
const T_STRING1 = 6;
const T_STRING2 = 7;
const T_ARRAY = 8;

/** Longest string encoded here (code units). */
const MAX_STRING = 1024;
/** Most items (array elements, all levels) in one fast message. */
const MAX_ITEMS = 256;
/** Deepest array nesting in one fast message. */
const MAX_DEPTH = 4;
/** Largest fast message (bytes): a longer one goes to V8. */
const SCRATCH_BYTES = 16 * 1024;

const { call, bind } = Function.prototype;
const uncurry = <F extends (...args: never[]) => unknown>(fn: F) =>
  bind.call(call, fn) as (self: unknown, ...args: Parameters<F>) => ReturnType<F>;
const charCodeAt = uncurry(String.prototype.charCodeAt) as (s: string, i: number) => number;
const setFloat64 = uncurry(DataView.prototype.setFloat64) as (
  v: DataView,
  o: number,
  x: number,
  le: boolean,
) => void;
const getFloat64 = uncurry(DataView.prototype.getFloat64) as (v: DataView, o: number, le: boolean) => number;
const setInt32 = uncurry(DataView.prototype.setInt32) as (
  v: DataView,
  o: number,
  x: number,
  le: boolean,
) => void;
const getInt32 = uncurry(DataView.prototype.getInt32) as (v: DataView, o: number, le: boolean) => number;
const fromCharCode = String.fromCharCode;
const { apply } = Reflect;
const { isArray } = Array;
const { getPrototypeOf, keys } = Object;
const ArrayPrototype = Array.prototype;
const isProxy = types.isProxy;
const DataViewCtor = DataView;

const scratch = new Uint8Array(SCRATCH_BYTES);
const scratchView = new DataView(scratch.buffer);
/** Code units of one string being decoded (reused). */
const units: number[] = [];

/** Where the encoder is in {@link scratch}, and how many items it has taken. */
let at = 0;
let items = 0;
/** An encoding is under way (an array's getter may run code that sends: that one goes to V8). */
let encoding = false;

/**
 * The fast encoding of `value`, as a view of a buffer this module reuses (valid until the next call:
 * write or copy it at once), or undefined when `value` is not one this format covers.
 *
 * @example
 * ```ts
 * const bytes = encodeFast([1, 7, 'ok', 0.25]); // Uint8Array, or undefined: use v8.serialize
 * ```
 */
export function encodeFast(value: unknown): Uint8Array | undefined {
  if (encoding) return undefined;
  encoding = true;
  try {
    scratch[0] = FAST_TAG;
    at = 1;
    items = 0;
    return put(value, 0) ? scratch.subarray(0, at) : undefined;
  } finally {
    encoding = false;
  }
}

function put(value: unknown, depth: number): boolean {
  // Room for the largest fixed-size item (a float64) or an array's or string's header.
  if (at + 9 > SCRATCH_BYTES) return false;
  switch (typeof value) {
    case 'undefined':
      scratch[at++] = T_UNDEFINED;
      return true;
    case 'boolean':
      scratch[at++] = value ? T_TRUE : T_FALSE;
      return true;
    case 'number':
      if ((value | 0) === value && (value !== 0 || 1 / value > 0)) {
        scratch[at] = T_INT32;
        setInt32(scratchView, at + 1, value, true);
        at += 5;
      } else {
        scratch[at] = T_FLOAT64;
        setFloat64(scratchView, at + 1, value, true);
        at += 9;
      }
      return true;
    case 'string':
      return putString(value);
    case 'object':
      if (value === null) {
        scratch[at++] = T_NULL;
        return true;
      }
      return putArray(value, depth);
    default:
      return false;
  }
}

function putString(s: string): boolean {
  const n = s.length;
  if (n > MAX_STRING || at + 3 + 2 * n > SCRATCH_BYTES) return false;
  const start = at;
  scratch[at] = T_STRING1;
  scratch[at + 1] = n & 0xff;
  scratch[at + 2] = n >> 8;
  at += 3;
  for (let i = 0; i < n; i++) {
    const c = charCodeAt(s, i);
    if (c > 0xff) {
      // Two-byte after all: rewrite it as UTF-16 code units from the start.
      at = start;
      scratch[at] = T_STRING2;
      at += 3;
      for (let k = 0; k < n; k++) {
        const u = charCodeAt(s, k);
        scratch[at++] = u & 0xff;
        scratch[at++] = u >> 8;
      }
      return true;
    }
    scratch[at++] = c;
  }
  return true;
}

function putArray(value: object, depth: number): boolean {
  // Only plain, dense arrays without extra properties: anything else keeps V8's exact semantics.
  if (!isArray(value) || depth >= MAX_DEPTH || isProxy(value) || getPrototypeOf(value) !== ArrayPrototype)
    return false;
  const array = value as unknown[];
  const n = array.length;
  items += n;
  if (items > MAX_ITEMS || keys(array).length !== n) return false;
  scratch[at] = T_ARRAY;
  scratch[at + 1] = n & 0xff;
  scratch[at + 2] = n >> 8;
  at += 3;
  for (let i = 0; i < n; i++) if (!put(array[i], depth + 1)) return false;
  return true;
}

/** The decoder's input and position. */
let input: Uint8Array = scratch;
let inputView: DataView = scratchView;
let pos = 0;

/**
 * Decodes a payload made by {@link encodeFast} (starting with {@link FAST_TAG}); throws when it is not
 * one (truncated, an unknown tag, bytes left over).
 *
 * @example
 * ```ts
 * decodeFast(encodeFast([1, 'a'])!); // [1, 'a']
 * ```
 */
export function decodeFast(bytes: Uint8Array): unknown {
  if (bytes[0] !== FAST_TAG) throw new Error('not a fast payload');
  input = bytes;
  inputView = new DataViewCtor(bytes.buffer, bytes.byteOffset, bytes.length);
  pos = 1;
  try {
    const value = take();
    if (pos !== bytes.length) throw new Error(`${bytes.length - pos} bytes after the value`);
    return value;
  } finally {
    input = scratch;
    inputView = scratchView;
  }
}

function need(n: number): void {
  if (pos + n > input.length) throw new Error('a truncated fast payload');
}

function take(): unknown {
  need(1);
  const tag = input[pos++];
  switch (tag) {
    case T_UNDEFINED:
      return undefined;
    case T_NULL:
      return null;
    case T_FALSE:
      return false;
    case T_TRUE:
      return true;
    case T_INT32:
      need(4);
      pos += 4;
      return getInt32(inputView, pos - 4, true);
    case T_FLOAT64:
      need(8);
      pos += 8;
      return getFloat64(inputView, pos - 8, true);
    case T_STRING1:
    case T_STRING2:
      return takeString(tag === T_STRING2);
    case T_ARRAY: {
      const n = takeLength();
      const array: unknown[] = [];
      for (let i = 0; i < n; i++) array[i] = take();
      return array;
    }
    default:
      throw new Error(`an unknown fast tag ${String(tag)}`);
  }
}

function takeLength(): number {
  need(2);
  const n = input[pos]! | (input[pos + 1]! << 8);
  pos += 2;
  return n;
}

function takeString(twoByte: boolean): string {
  const n = takeLength();
  need(twoByte ? n * 2 : n);
  units.length = n;
  if (twoByte) {
    for (let i = 0; i < n; i++, pos += 2) units[i] = input[pos]! | (input[pos + 1]! << 8);
  } else {
    for (let i = 0; i < n; i++) units[i] = input[pos++]!;
  }
  return apply(fromCharCode, undefined, units) as string;
}

/**
 * The limits of the fast format (past them a value goes to V8), for tests to sit on each side of them.
 *
 * @example
 * ```ts
 * encodeFast('x'.repeat(FAST_LIMITS.maxString + 1)); // undefined
 * ```
 */
export const FAST_LIMITS = { maxString: MAX_STRING, maxItems: MAX_ITEMS, maxDepth: MAX_DEPTH } as const;
