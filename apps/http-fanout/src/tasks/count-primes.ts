/**
 * The CPU-heavy work `/report` fans out: counting the primes of one segment with a segmented sieve of
 * Eratosthenes. Pure computation, ~20-50 ms for a few million numbers, so it shows what each isolation
 * model does to the event loop that also has to answer `/health`.
 */
import { defineTask } from '@isolane/core';

/**
 * Counts the primes in `[lo, hi)`.
 *
 * @example
 * ```ts
 * countPrimes(0, 100); // 25
 * wg.go(countPrimes, 6_000_000, 12_000_000); // as a task
 * ```
 */
export const countPrimes = defineTask(import.meta.url, 'countPrimes', (lo: number, hi: number): number => {
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo < 0 || hi < lo) {
    throw new RangeError(`countPrimes: need integers 0 <= lo <= hi, got [${lo}, ${hi})`);
  }
  const root = Math.floor(Math.sqrt(hi));
  // Base primes up to sqrt(hi), by a plain sieve.
  const composite = new Uint8Array(root + 1);
  const base: number[] = [];
  for (let i = 2; i <= root; i++) {
    if (composite[i]) continue;
    base.push(i);
    for (let j = i * i; j <= root; j += i) composite[j] = 1;
  }
  // Cross their multiples off the segment.
  const segment = new Uint8Array(hi - lo);
  for (const p of base) {
    for (let j = Math.max(p * p, Math.ceil(lo / p) * p); j < hi; j += p) segment[j - lo] = 1;
  }
  let count = 0;
  for (let i = Math.max(lo, 2); i < hi; i++) if (!segment[i - lo]) count++;
  return count;
});
