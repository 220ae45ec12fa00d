import { describe, expect, it } from 'vitest';
import { RecentModules } from '../../src/driver-kit/recent-modules.js';

describe('RecentModules', () => {
  it('keeps each module once, most recent first', () => {
    const recent = new RecentModules(8);
    for (const url of ['a', 'b', 'a', 'c', 'c']) recent.note(url);
    expect(recent.list()).toEqual(['c', 'a', 'b']);
    expect(recent.size).toBe(3);
  });

  it('drops the least recent beyond its limit', () => {
    const recent = new RecentModules(2);
    for (const url of ['a', 'b', 'c']) recent.note(url);
    expect(recent.list()).toEqual(['c', 'b']);
    recent.note('b');
    expect(recent.list()).toEqual(['b', 'c']);
  });

  it('returns a copy that later notes do not change', () => {
    const recent = new RecentModules(4);
    recent.note('a');
    const before = recent.list();
    recent.note('b');
    expect(before).toEqual(['a']);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects a limit of %s', (limit) => {
    expect(() => new RecentModules(limit)).toThrow(/limit must be an integer of at least 1/);
  });
});
