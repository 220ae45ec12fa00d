import { describe, expect, it } from 'vitest';
import { forEachElement, presentIndexes } from '../src/array-elements.js';

function seen(array: unknown[]): [number, unknown][] {
  const out: [number, unknown][] = [];
  forEachElement(array, (value, index) => out.push([index, value]));
  return out;
}

describe('forEachElement', () => {
  it('visits a dense array in order, own undefined elements included', () => {
    expect(seen([1, undefined, 'c'])).toEqual([
      [0, 1],
      [1, undefined],
      [2, 'c'],
    ]);
  });

  it('skips holes and visits what follows them in order', () => {
    // biome-ignore lint/suspicious/noSparseArray: the holes are the point
    expect(seen([1, , 3, , 5])).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
  });

  it('reads only the elements present in a huge sparse array (no walk to its length)', () => {
    const a: unknown[] = [];
    a.length = 2 ** 32 - 1;
    a[7] = 'x';
    a[2 ** 32 - 2] = 'last';
    (a as unknown as Record<string, unknown>).named = 'not an element';
    // A walk to `length` would take minutes; this one returns at once (the test's time limit bounds it).
    expect(seen(a)).toEqual([
      [7, 'x'],
      [2 ** 32 - 2, 'last'],
    ]);
    const b: unknown[] = [];
    b[2 ** 26] = 1;
    expect(seen(b)).toEqual([[2 ** 26, 1]]);
  });
});

describe('presentIndexes', () => {
  it('lists the indices present from a start, ascending, ignoring named properties', () => {
    const a: unknown[] = [0, 1];
    a[10] = 10;
    a[2 ** 32 - 2] = 'last';
    (a as unknown as Record<string, unknown>)['4294967295'] = 'not an index';
    expect(presentIndexes(a, 1)).toEqual([1, 10, 2 ** 32 - 2]);
    expect(presentIndexes(a, 11)).toEqual([2 ** 32 - 2]);
  });
});
