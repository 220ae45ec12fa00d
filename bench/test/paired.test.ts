import { describe, expect, it } from 'vitest';
import { isPaired, medianPairedRun, pairsCold, pairsWarm } from '../src/paired.js';
import type { LatencyRow } from '../src/result.js';
import { subjectById } from '../src/subjects/catalogue.js';

const stats = (p50: number) => ({ n: 1, min: p50, p50, p95: p50, p99: p50, max: p50, mean: p50 });
const warmRow = (ratio: number): LatencyRow => ({
  subject: 'pool',
  cold: stats(20),
  warm: stats(0.01 * ratio),
  warmMode: 'sequential',
  warmPaired: { baseline: 'raw-ping-pong', baselineWarm: stats(0.01), ratio },
});

describe('paired subjects', () => {
  it('pairs cold starts for the per-task drivers and warm round trips for every pool', () => {
    expect(pairsCold(subjectById('thread'))).toBe(true);
    expect(pairsCold(subjectById('fork'))).toBe(true);
    expect(pairsCold(subjectById('raw-worker'))).toBe(false);
    expect(pairsWarm(subjectById('pool'))).toBe(true);
    expect(pairsWarm(subjectById('piscina'))).toBe(true);
    expect(pairsWarm(subjectById('thread'))).toBe(false);
    expect(isPaired(subjectById('raw-ping-pong'))).toBe(false);
    // Its per-request round trip alternates with p-limit doing the same snapshot copies (issue 15).
    expect(pairsWarm(subjectById('cooperative'))).toBe(true);
    expect(subjectById('cooperative').baselines.warm).toBe('p-limit-clone');
    expect(isPaired(subjectById('p-limit-clone'))).toBe(false);
  });
});

describe('medianPairedRun', () => {
  it('keeps the row with the median ratio and lists every process', () => {
    const row = medianPairedRun([warmRow(1.3), warmRow(0.9), warmRow(1.05)]);
    expect(row.warmPaired?.ratio).toBe(1.05);
    expect(row.pairedRatios).toEqual([1.3, 0.9, 1.05]);
  });

  it('takes the lower middle of an even count and skips failed runs', () => {
    const failed: LatencyRow = { subject: 'pool', cold: null, warm: null, warmMode: null, error: 'died' };
    expect(medianPairedRun([warmRow(1.2), failed, warmRow(0.8)]).warmPaired?.ratio).toBe(0.8);
    expect(medianPairedRun([failed]).error).toBe('died');
    expect(medianPairedRun([warmRow(1.1)]).pairedRatios).toBeUndefined();
  });
});
