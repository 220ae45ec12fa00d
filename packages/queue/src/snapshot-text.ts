/**
 * The text form of a value's structured-clone snapshot, as it travels through Redis (BullMQ stores
 * JSON). Most values a queue carries — a few primitive arguments, a `Result` holding a number or a
 * short string — are written as JSON text behind a `~` mark: JSON gives back exactly what the structured
 * clone would for them, and costs well under a microsecond, where `v8.serialize` builds a Serializer per
 * call and its base64 text is longer (~5–10 µs for each of the four snapshots of a job: arguments out,
 * in, result out, in). Anything JSON would change — `undefined`, `-0`, `NaN`, infinities, bigints, holes
 * or extra properties on arrays, objects that are not plain, the same object reached twice, deep or
 * large values — is written by `v8.serialize` as base64 (which never starts with `~`), so every value
 * reads back the same either way.
 */
import { types } from 'node:util';
import { deserialize, serialize } from 'node:v8';

/** Mark of the JSON form (base64 has no `~`). */
const JSON_MARK = '~';
/** Most objects and arrays in a value written as JSON. */
const MAX_NODES = 64;
/** Deepest nesting written as JSON. */
const MAX_DEPTH = 8;
/** Longest array written as JSON. */
const MAX_ITEMS = 256;

const arrayProto = Array.prototype;
const objectProto = Object.prototype;
const { getPrototypeOf, keys, is } = Object;
const { isArray } = Array;
const stringify = JSON.stringify;
const { isProxy } = types;

/**
 * The JSON text of `value` when reading it back gives what its structured clone gives, else undefined.
 * Each property is read once (a getter is not asked twice); `seen` holds the objects met so far (one
 * reached twice is not written as JSON: the clone keeps it shared).
 */
function jsonText(value: unknown, depth: number, seen: object[]): string | undefined {
  switch (typeof value) {
    case 'string':
      return stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isFinite(value) && !is(value, -0) ? String(value) : undefined;
    case 'object': {
      if (value === null) return 'null';
      if (depth >= MAX_DEPTH || seen.length >= MAX_NODES || seen.includes(value) || isProxy(value)) {
        return undefined;
      }
      seen.push(value);
      const proto = getPrototypeOf(value) as unknown;
      if (proto === arrayProto && isArray(value)) {
        const items = value as unknown[];
        const n = items.length;
        // Holes and extra properties survive a structured clone, not JSON.
        if (n > MAX_ITEMS || keys(items).length !== n) return undefined;
        let out = '[';
        for (let i = 0; i < n; i++) {
          const item = jsonText(items[i], depth + 1, seen);
          if (item === undefined) return undefined;
          out += i === 0 ? item : `,${item}`;
        }
        return `${out}]`;
      }
      if (proto !== objectProto) return undefined;
      const record = value as Record<string, unknown>;
      const names = keys(record);
      if (names.length > MAX_ITEMS) return undefined;
      let out = '{';
      for (let i = 0; i < names.length; i++) {
        const name = names[i] as string;
        const item = jsonText(record[name], depth + 1, seen);
        if (item === undefined) return undefined;
        out += `${i === 0 ? '' : ','}${stringify(name)}:${item}`;
      }
      return `${out}}`;
    }
    default:
      return undefined;
  }
}

/**
 * A value's snapshot as text: JSON behind `~` when that reads back the same as a structured clone,
 * otherwise base64 of `v8.serialize` (which throws for what cannot be cloned).
 *
 * @example
 * ```ts
 * toSnapshotText([1, 'a']); // '~[1,"a"]'
 * toSnapshotText([undefined]); // base64 of v8.serialize([undefined])
 * ```
 */
export function toSnapshotText(value: unknown): string {
  let text: string | undefined;
  try {
    text = jsonText(value, 0, []);
  } catch {
    text = undefined; // a throwing getter: v8.serialize reports it
  }
  return text === undefined ? serialize(value).toString('base64') : JSON_MARK + text;
}

/**
 * Reads a snapshot written by {@link toSnapshotText}.
 *
 * @example
 * ```ts
 * fromSnapshotText('~[1,"a"]'); // [1, 'a']
 * ```
 */
export function fromSnapshotText(text: string): unknown {
  if (text.startsWith(JSON_MARK)) return JSON.parse(text.slice(1)) as unknown;
  return deserialize(Buffer.from(text, 'base64'));
}
