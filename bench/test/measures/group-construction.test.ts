import { describe, expect, it } from 'vitest';
import { measureGroupConstruction } from '../../src/measures/group-construction.js';

describe('measureGroupConstruction', () => {
  it('times new WaitGroup({ driver }) and a small structuredClone in alternated blocks', async () => {
    const c = await measureGroupConstruction('cooperative', { rounds: 6 });
    expect(c.driver).toBe('cooperative');
    expect(c.newGroup.n).toBe(6);
    expect(c.structuredClone.n).toBe(6);
    expect(c.newGroup.p50).toBeGreaterThan(0);
    expect(c.structuredClone.p50).toBeGreaterThan(0);
    // Per operation, not per block: far below a millisecond each.
    expect(c.newGroup.p50).toBeLessThan(1);
    expect(c.ratio).toBeCloseTo(c.newGroup.p50 / c.structuredClone.p50, 10);
  }, 30_000);

  it('rejects a bad round count naming the option', async () => {
    await expect(measureGroupConstruction('cooperative', { rounds: 0 })).rejects.toThrow(/rounds/);
  });
});
