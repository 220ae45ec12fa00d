import { describe, expect, it } from 'vitest';
import { JobQueue } from '../../src/driver-kit/job-queue.js';

describe('JobQueue as a FIFO', () => {
  it('keeps order across growth and wrap-around', () => {
    const q = new JobQueue<number>();
    const out: number[] = [];
    for (let i = 0; i < 10; i++) q.push(i);
    for (let i = 0; i < 5; i++) out.push(q.shift()!);
    for (let i = 10; i < 100; i++) q.push(i);
    expect(q.length).toBe(95);
    expect(q.peek()).toBe(5);
    expect(q.at(1)).toBe(6);
    for (let x = q.shift(); x !== undefined; x = q.shift()) out.push(x);
    expect(out).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(q.length).toBe(0);
    expect(q.shift()).toBeUndefined();
  });

  it('puts jobs back at the front in order', () => {
    const q = new JobQueue<string>();
    q.push('c');
    q.unshiftAll(['a', 'b']);
    for (let i = 0; i < 20; i++) q.unshiftAll([`x${i}`]);
    expect([...q].slice(-3)).toEqual(['a', 'b', 'c']);
    expect(q.length).toBe(23);
    expect(q.drain()[0]).toBe('x19');
    expect(q.length).toBe(0);
  });

  it('removes a waiting job by its ticket in any position, once', () => {
    const q = new JobQueue<string>();
    const tickets = ['a', 'b', 'c', 'd'].map((j) => q.push(j));
    expect(q.remove(tickets[1]!, 'b')).toBe('b');
    expect(q.remove(tickets[1]!, 'b')).toBeUndefined();
    expect(q.remove(tickets[0]!)).toBe('a');
    expect(q.remove(tickets[3]!, 'x')).toBeUndefined();
    expect(q.length).toBe(2);
    expect(q.at(0)).toBe('c');
    expect(q.at(1)).toBe('d');
    expect(q.shift()).toBe('c');
    expect(q.remove(tickets[2]!)).toBeUndefined();
    expect([...q]).toEqual(['d']);
    // tickets stay valid when the ring grows
    const more = Array.from({ length: 50 }, (_, i) => q.push(`m${i}`));
    expect(q.remove(more[7]!, 'm7')).toBe('m7');
    expect(q.length).toBe(50);
    expect(q.drain()).not.toContain('m7');
  });

  it('is O(1) per push and shift: a million jobs in well under a second', () => {
    const q = new JobQueue<number>();
    const t0 = performance.now();
    let sum = 0;
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 100_000; i++) q.push(i);
      for (let i = 0; i < 100_000; i++) sum += q.shift()!;
    }
    expect(sum).toBe(10 * ((100_000 * 99_999) / 2));
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});

describe('JobQueue as a concurrency gate', () => {
  it('admits up to the limit, then hands out waiting jobs as places free', () => {
    const q = new JobQueue<string>(2);
    expect(q.admit()).toBe(true);
    expect(q.admit()).toBe(true);
    expect(q.admit()).toBe(false);
    q.push('c');
    q.push('d');
    expect(q.running).toBe(2);
    expect(q.next()).toBeUndefined();
    q.finish();
    expect(q.hasRoom).toBe(true);
    expect(q.next()).toBe('c');
    expect(q.running).toBe(2);
    expect(q.next()).toBeUndefined();
    q.finish();
    q.finish();
    // nobody jumps the line: with a job waiting, admit refuses even with room
    expect(q.admit()).toBe(false);
    expect(q.next()).toBe('d');
    q.finish();
    q.finish();
    q.finish();
    expect(q.running).toBe(0);
  });

  it('skips removed jobs and follows a changed concurrency; begin counts outside the gate', () => {
    const q = new JobQueue<string>(1);
    q.begin();
    const a = q.push('a');
    q.push('b');
    q.remove(a, 'a');
    q.finish();
    q.concurrency = 3;
    expect(q.concurrency).toBe(3);
    expect(q.next()).toBe('b');
    expect(q.next()).toBeUndefined();
    expect(q.running).toBe(1);
  });
});
