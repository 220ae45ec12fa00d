import { describe, expect, it } from 'vitest';
import { quantileSorted, ratio, summarize } from '../src/stats.js';

describe('quantileSorted', () => {
  it('interpolates linearly between closest ranks', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([10, 20, 30, 40, 50], 0.25)).toBe(20);
    expect(quantileSorted([0, 100], 0.95)).toBeCloseTo(95, 10);
    expect(quantileSorted([7], 0.99)).toBe(7);
  });

  it('returns the extremes at 0 and 1', () => {
    expect(quantileSorted([1, 5, 9], 0)).toBe(1);
    expect(quantileSorted([1, 5, 9], 1)).toBe(9);
  });

  it('rejects an empty set and a q outside 0..1', () => {
    expect(() => quantileSorted([], 0.5)).toThrow(RangeError);
    expect(() => quantileSorted([1], 1.5)).toThrow(/within 0\.\.1/);
    expect(() => quantileSorted([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('sorts a copy and summarizes', () => {
    const samples = [5, 1, 4, 2, 3];
    const s = summarize(samples);
    expect(s).toEqual({ n: 5, min: 1, p50: 3, p95: 4.8, p99: 4.96, max: 5, mean: 3 });
    expect(samples).toEqual([5, 1, 4, 2, 3]);
  });

  it('matches the percentile definition on 100 samples', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1
    const s = summarize(samples);
    expect(s.p50).toBeCloseTo(50.5, 10);
    expect(s.p95).toBeCloseTo(95.05, 10);
    expect(s.p99).toBeCloseTo(99.01, 10);
  });

  it('refuses empty and non-finite samples', () => {
    expect(() => summarize([])).toThrow(/no samples/);
    expect(() => summarize([1, Number.POSITIVE_INFINITY])).toThrow(/finite/);
  });
});

describe('ratio', () => {
  it('divides and guards missing or non-positive baselines', () => {
    expect(ratio(2.2, 2)).toBeCloseTo(1.1, 10);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(null, 2)).toBeNull();
    expect(ratio(3, undefined)).toBeNull();
  });
});
