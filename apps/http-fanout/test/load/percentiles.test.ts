import { describe, expect, it } from 'vitest';
import { summarize } from '../../dist/load/percentiles.js';

describe('summarize', () => {
  it('gives nearest-rank percentiles and the max', () => {
    const samples = Array.from({ length: 200 }, (_, i) => 200 - i); // 1..200, unsorted
    expect(summarize(samples)).toEqual({ count: 200, p50: 100, p99: 198, max: 200 });
    expect(summarize([5])).toEqual({ count: 1, p50: 5, p99: 5, max: 5 });
  });

  it('reports no samples as NaN, not zero', () => {
    const s = summarize([]);
    expect(s.count).toBe(0);
    expect(s.p99).toBeNaN();
  });
});
