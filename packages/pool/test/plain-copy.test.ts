/** The fast snapshot of plain data gives what structuredClone gives, and hands everything else to it. */
import { describe, expect, it } from 'vitest';
import { snapshotValue } from '../src/plain-copy.js';

const shared = { s: 1 };
const cyclic: Record<string, unknown> = { name: 'loop' };
cyclic.self = cyclic;
const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
const withGetter = {
  get g() {
    return 7;
  },
};
const sparse: unknown[] = [1];
sparse[2] = 3; // a hole at index 1
const extra = Object.assign([1, 2], { tag: 'x' });
const protoKey = JSON.parse('{"__proto__": {"polluted": true}, "b": 2}') as unknown;

const VALUES: Record<string, unknown> = {
  number: 42,
  negativeZero: -0,
  string: 'hello',
  bigint: 10n,
  undef: undefined,
  nul: null,
  object: { seq: 1, note: 'tick', nested: { deep: [1, 'two', { three: 3 }] }, u: undefined },
  array: [1, 'a', null, [2, [3]], { x: 1 }],
  sharedTwice: { a: shared, b: shared },
  cyclic,
  nullProto,
  withGetter,
  sparse,
  extra,
  protoKey,
  map: new Map([[1, { m: 1 }]]),
  date: new Date(0),
  typed: new Uint8Array([1, 2, 3]),
  deep: JSON.parse(`${'{"a":'.repeat(40)}1${'}'.repeat(40)}`) as unknown,
};

describe('snapshotValue', () => {
  it.each(Object.keys(VALUES))('gives what structuredClone gives for %s', (name) => {
    const value = VALUES[name];
    const copy = snapshotValue(value);
    expect(copy).toStrictEqual(structuredClone(value));
    if (typeof value === 'object' && value !== null) expect(copy).not.toBe(value);
  });

  it('keeps the identity of an object met twice, and cycles', () => {
    const both = snapshotValue({ a: shared, b: shared }) as { a: object; b: object };
    expect(both.a).toBe(both.b);
    const loop = snapshotValue(cyclic) as Record<string, unknown>;
    expect(loop.self).toBe(loop);
  });

  it('shares nothing with the value: a later change is not seen', () => {
    const mine = { n: 1, list: [{ k: 1 }] };
    const copy = snapshotValue(mine) as typeof mine;
    mine.n = 2;
    mine.list[0]!.k = 2;
    expect(copy).toEqual({ n: 1, list: [{ k: 1 }] });
  });

  it('copies an own "__proto__" key as data, never as a prototype', () => {
    const copy = snapshotValue(protoKey) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'b']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('throws what structuredClone throws for what it cannot clone', () => {
    expect(() => snapshotValue(() => 1)).toThrow(/could not be cloned/);
    expect(() => snapshotValue({ f: () => 1 })).toThrow(/could not be cloned/);
    expect(() => snapshotValue(Symbol('s'))).toThrow(/could not be cloned/);
  });
});
