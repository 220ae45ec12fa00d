import { isDeepStrictEqual } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { fromSnapshotText, toSnapshotText } from '../src/snapshot-text.js';

/** What a structured clone gives: the reference every snapshot must match. */
const cloned = (v: unknown): unknown => deserialize(serialize(v));

const shared = { a: 1 };
const withExtra = Object.assign([1, 2], { extra: 3 });
const cyclic: Record<string, unknown> = { name: 'c' };
cyclic.self = cyclic;
// biome-ignore lint/suspicious/noSparseArray: the case under test
const holey = [1, , 3];
const deep = [[[[[[[[[[1]]]]]]]]]];
const withGetter = {
  get x() {
    return 5;
  },
};

/** Values JSON carries exactly: written as `~` + JSON. */
const JSON_CASES: [string, unknown][] = [
  ['no arguments', []],
  ['numbers', [1, -2, 0.5, 1e21, 2 ** 53, -1e-7, Number.MAX_VALUE, Number.MIN_VALUE]],
  ['strings', ['', 'a', 'é', '日本', '\u0000\n"\\', '\ud800 lone surrogate', 'x'.repeat(5_000)]],
  ['booleans and null', [true, false, null]],
  ['a result', { ok: true, value: 42, ms: 0.0123 }],
  ['a failure', { ok: false, error: { kind: 'threw', name: 'Error', message: 'm', stack: 's' }, ms: 1 }],
  ['nested plain values', [{ a: [1, { b: 'c' }] }, [[]], {}]],
  ['integer-like keys', { 2: 'b', 1: 'a', x: 'y', '-1': 'n' }],
  ['an own __proto__ key', JSON.parse('{"__proto__":{"polluted":1},"a":2}')],
  ['a getter, read once', [withGetter]],
];

/** Values JSON would change: written by v8.serialize. */
const V8_CASES: [string, unknown][] = [
  ['undefined', [undefined]],
  ['an undefined property', { ok: true, value: undefined, ms: 1 }],
  ['-0', [-0]],
  ['NaN and infinities', [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]],
  ['a bigint', [1n]],
  ['a hole', holey],
  ['an array with an extra property', withExtra],
  ['the same object twice', [shared, shared]],
  ['a cycle', [cyclic]],
  ['a Date', [new Date(0)]],
  ['a Map', [new Map([[1, 2]])]],
  ['a typed array', [new Uint8Array([1, 2])]],
  ['a null-prototype object', [Object.create(null)]],
  [
    'a class instance',
    [
      new (class Point {
        x = 1;
      })(),
    ],
  ],
  ['too deep', deep],
  ['too long', Array.from({ length: 300 }, (_, i) => i)],
];

describe('snapshot text', () => {
  it.each(JSON_CASES)('%s: written as JSON, read back as its structured clone', (_name, value) => {
    const text = toSnapshotText(value);
    expect(text.startsWith('~')).toBe(true);
    const back = fromSnapshotText(text);
    expect(isDeepStrictEqual(back, cloned(value))).toBe(true);
    expect(Object.keys(back as object)).toEqual(Object.keys(cloned(value) as object));
  });

  it.each(V8_CASES)('%s: written by v8.serialize, read back as its structured clone', (_name, value) => {
    const text = toSnapshotText(value);
    expect(text.startsWith('~')).toBe(false);
    expect(isDeepStrictEqual(fromSnapshotText(text), cloned(value))).toBe(true);
  });

  it('keeps a value reached twice shared, and a cycle a cycle', () => {
    const [a, b] = fromSnapshotText(toSnapshotText([shared, shared])) as object[];
    expect(a).toBe(b);
    const [c] = fromSnapshotText(toSnapshotText([cyclic])) as Record<string, unknown>[];
    expect(c?.self).toBe(c);
  });

  it('refuses what a structured clone refuses', () => {
    expect(() => toSnapshotText([() => 1])).toThrow();
    expect(() => toSnapshotText([{ f: () => 1 }])).toThrow();
    expect(() => toSnapshotText([Symbol('s')])).toThrow();
    expect(() => toSnapshotText([new Proxy({ a: 1 }, {})])).toThrow();
  });

  it('reads base64 snapshots written before the JSON form existed', () => {
    const old = serialize({ ok: true, value: [1, 'a'], ms: 2 }).toString('base64');
    expect(fromSnapshotText(old)).toEqual({ ok: true, value: [1, 'a'], ms: 2 });
  });
});
