/**
 * The fast encoding of small messages: for every value it takes, exactly what V8's serializer round trip
 * gives; everything else is refused (left to V8); a malformed payload throws, and the frame reader
 * reports it as corruption.
 */
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { decodeFast, encodeFast, FAST_LIMITS, FAST_TAG } from '../../src/driver-kit/fast-codec.js';
import { FRAME_KEY_BYTES, FrameReader } from '../../src/driver-kit/frame-reader.js';

const viaV8 = (value: unknown): unknown => deserialize(serialize(value));
const viaFast = (value: unknown): unknown => {
  const bytes = encodeFast(value);
  if (bytes === undefined) throw new Error('refused');
  return decodeFast(Uint8Array.from(bytes));
};

const TAKEN: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  -0,
  1,
  -1,
  2 ** 31 - 1,
  -(2 ** 31),
  2 ** 31,
  2 ** 53 + 2,
  0.1,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.MIN_VALUE,
  '',
  'ok',
  'é ü ÿ',
  'snowman ☃ and 🎉',
  '\ud800 lone surrogates \udfff',
  '\u0000\u00ff\u0100',
  'x'.repeat(FAST_LIMITS.maxString),
  [],
  [1, 'a', null, undefined, [2, [3, [false]]]],
  [0, 5, 0, [1]],
  [[1, 7, 'value', 0.25]],
];

describe('fast codec', () => {
  it.each(TAKEN.map((v) => [v]))('round-trips %j exactly as V8 does', (value) => {
    expect(encodeFast(value)?.[0]).toBe(FAST_TAG);
    const fast = viaFast(value);
    expect(fast).toStrictEqual(viaV8(value));
    // toStrictEqual treats -0 and 0 alike in arrays only through Object.is: check the scalar too.
    if (typeof value === 'number') expect(Object.is(fast, value)).toBe(true);
  });

  it('keeps -0 inside arrays', () => {
    expect(Object.is((viaFast([-0]) as number[])[0], -0)).toBe(true);
  });

  const sparse: unknown[] = [1];
  sparse[2] = 3;
  const extra = Object.assign([1, 2], { label: 'x' });
  class Sub extends Array {}
  const deep = [[[[[1]]]]];
  const REFUSED: [string, unknown][] = [
    ['an object', { a: 1 }],
    ['a bigint', 1n],
    ['a symbol', Symbol('s')],
    ['a function', () => 1],
    ['a Date', new Date(0)],
    ['a Map', new Map()],
    ['a typed array', new Uint8Array(2)],
    ['a Buffer', Buffer.from('a')],
    ['an array with a hole', sparse],
    ['an array with an extra property', extra],
    ['an Array subclass', Sub.from([1])],
    ['a Proxy of an array', new Proxy([1], {})],
    ['an array nested past the depth limit', deep],
    ['too many items', Array.from({ length: FAST_LIMITS.maxItems + 1 }, (_, i) => i)],
    ['a string past the length limit', 'x'.repeat(FAST_LIMITS.maxString + 1)],
    ['an object inside an array', [1, { a: 1 }]],
  ];
  it.each(REFUSED)('leaves %s to V8', (_what, value) => {
    expect(encodeFast(value)).toBeUndefined();
  });

  it('refuses a message whose strings together would not fit its buffer', () => {
    const long = 'é€'.repeat(FAST_LIMITS.maxString / 2);
    expect(encodeFast(Array.from({ length: 20 }, () => long))).toBeUndefined();
    expect(viaFast([long, long])).toStrictEqual([long, long]);
  });

  it('encodes again correctly after a refused value', () => {
    expect(encodeFast([1, { a: 1 }])).toBeUndefined();
    expect(viaFast([2, 'b'])).toStrictEqual([2, 'b']);
  });

  it.each([
    ['an empty payload', []],
    ['a V8 payload', [...serialize(1)]],
    ['a truncated int32', [FAST_TAG, 4, 1, 0]],
    ['a truncated string', [FAST_TAG, 6, 5, 0, 97]],
    ['an array announcing more items than there are', [FAST_TAG, 8, 2, 0, 0]],
    ['an unknown tag', [FAST_TAG, 99]],
    ['bytes after the value', [FAST_TAG, 0, 0]],
  ])('throws on %s', (_what, bytes) => {
    expect(() => decodeFast(Uint8Array.from(bytes))).toThrow();
  });

  it('is what the frame reader decodes, and a malformed one is corruption, not a throw', () => {
    const key = Buffer.alloc(FRAME_KEY_BYTES, 3);
    const frame = (payload: Uint8Array): Buffer => {
      const header = Buffer.alloc(4);
      header.writeUInt32BE(payload.length, 0);
      return Buffer.concat([header, key, payload]);
    };
    const frames: unknown[] = [];
    const corrupt: string[] = [];
    const r = new FrameReader({
      keyed: true,
      onFrame: (v) => frames.push(v),
      onCorrupt: (d) => corrupt.push(d),
    });
    r.push(key);
    r.push(frame(Uint8Array.from(encodeFast([1, 'a'])!)));
    r.push(frame(serialize({ big: [1n] })));
    expect(frames).toStrictEqual([[1, 'a'], { big: [1n] }]);
    r.push(frame(Uint8Array.from([FAST_TAG, 99])));
    expect(corrupt).toHaveLength(1);
    expect(corrupt[0]).toContain('does not deserialize');
  });
});
