import { describe, expect, it } from 'vitest';
import { countPrimes } from '../../dist/index.js';

describe('countPrimes', () => {
  it('counts the primes below known limits', () => {
    expect(countPrimes(0, 2)).toBe(0);
    expect(countPrimes(0, 3)).toBe(1);
    expect(countPrimes(0, 100)).toBe(25);
    expect(countPrimes(0, 1_000_000)).toBe(78_498);
  });

  it('counts a segment, so segments add up to the whole', () => {
    expect(countPrimes(90, 100)).toBe(1); // 97
    const bounds = [0, 123_457, 600_001, 999_999, 1_000_000];
    let sum = 0;
    for (let i = 1; i < bounds.length; i++) sum += countPrimes(bounds[i - 1]!, bounds[i]!);
    expect(sum).toBe(78_498);
  });

  it('rejects bounds that are not a segment', () => {
    expect(() => countPrimes(10, 5)).toThrow(RangeError);
    expect(() => countPrimes(-1, 5)).toThrow(RangeError);
    expect(() => countPrimes(0, 1.5)).toThrow(RangeError);
  });
});
