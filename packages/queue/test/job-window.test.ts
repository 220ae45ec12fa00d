import { describe, expect, it } from 'vitest';
import { JobWindow } from '../src/job-window.js';
import { type Entry, newEntry } from '../src/queue-entry.js';

const sink = { settle() {}, stray() {} } as unknown as Parameters<typeof newEntry>[0];
const entries = (n: number): Entry[] =>
  Array.from({ length: n }, () => newEntry(sink, { payload: {} as never }));

describe('JobWindow', () => {
  it('lets at most `concurrency` jobs into Redis, in go() order', () => {
    const window = new JobWindow(4);
    const all = entries(6);
    for (const e of all) window.push(e);
    expect(window.take()).toEqual(all.slice(0, 4));
    expect(window.pending).toBe(6);
    expect(window.take()).toEqual([]);
  });

  it('refills in batches while half the window is still in Redis, one by one below that', () => {
    const window = new JobWindow(32);
    const all = entries(40);
    for (const e of all) window.push(e);
    expect(window.take()).toHaveLength(32);
    window.left();
    // 31 of 32 in Redis: one free slot is less than a sixteenth (2): wait for more room.
    expect(window.take()).toEqual([]);
    window.left();
    expect(window.take()).toEqual(all.slice(32, 34));
    for (let i = 0; i < 20; i++) window.left();
    // 12 in Redis, under half: every free slot is filled at once.
    expect(window.take()).toEqual(all.slice(34, 40));
  });

  it('skips jobs settled while they waited, and drain() hands back the ones still waiting', () => {
    const window = new JobWindow(1);
    const [a, b, c] = entries(3) as [Entry, Entry, Entry];
    for (const e of [a, b, c]) window.push(e);
    expect(window.take()).toEqual([a]);
    b.state = 'done';
    window.left();
    expect(window.take()).toEqual([c]);
    window.push(b);
    expect(window.drain()).toEqual([b]);
    expect(window.pending).toBe(1);
  });
});
