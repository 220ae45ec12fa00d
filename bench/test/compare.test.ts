import { describe, expect, it } from 'vitest';
import { compareCpuBatch, compareLatency, compareThroughput } from '../src/compare.js';
import type { LatencyRow, ThroughputRow } from '../src/result.js';
import type { SubjectBaselines } from '../src/subjects/subject.js';

const stats = (p50: number) => ({ n: 1, min: p50, p50, p95: p50, p99: p50, max: p50, mean: p50 });
const baselines: Record<string, SubjectBaselines> = {
  thread: { cold: 'raw-worker', warm: 'raw-worker', throughput: 'raw-worker' },
  'raw-worker': {},
  pool: { cold: 'raw-worker', warm: 'ping', throughput: 'poolifier' },
  poolifier: { throughput: 'poolifier' },
  ping: {},
};
const of = (id: string): SubjectBaselines => baselines[id] ?? {};

describe('compareLatency', () => {
  it('divides p50 by the baseline row of the same run', () => {
    const rows: LatencyRow[] = [
      { subject: 'thread', cold: stats(33), warm: stats(2), warmMode: 'prespawned' },
      { subject: 'raw-worker', cold: stats(30), warm: stats(1), warmMode: 'prespawned' },
      { subject: 'pool', cold: stats(60), warm: stats(0.012), warmMode: 'sequential' },
    ];
    const [thread, raw, pool] = compareLatency(rows, of);
    expect(thread?.coldVs).toEqual({ baseline: 'raw-worker', ratio: 1.1 });
    expect(thread?.warmVs).toEqual({ baseline: 'raw-worker', ratio: 2 });
    expect(raw?.coldVs).toBeUndefined();
    expect(pool?.coldVs?.ratio).toBe(2);
    expect(pool?.warmVs).toBeUndefined(); // its baseline was not measured in this run
  });

  it('prefers the ratio of samples taken in alternation with the baseline over the cross-unit one', () => {
    const rows: LatencyRow[] = [
      {
        subject: 'thread',
        cold: stats(33),
        warm: stats(2),
        warmMode: 'prespawned',
        coldPaired: {
          baseline: 'raw-worker',
          baselineCold: stats(31),
          ratio: 33 / 31,
          taskImportsCore: stats(35),
        },
      },
      { subject: 'raw-worker', cold: stats(22), warm: stats(1), warmMode: 'prespawned' },
    ];
    const [thread] = compareLatency(rows, of);
    expect(thread?.coldVs).toEqual({ baseline: 'raw-worker', ratio: 33 / 31 });
  });

  it('likewise for warm figures measured in blocks alternated with the baseline', () => {
    const rows: LatencyRow[] = [
      {
        subject: 'pool',
        cold: stats(60),
        warm: stats(0.009),
        warmMode: 'sequential',
        warmPaired: { baseline: 'ping', baselineWarm: stats(0.01), ratio: 0.9 },
      },
      { subject: 'ping', cold: null, warm: stats(0.005), warmMode: 'sequential' },
    ];
    const [pool] = compareLatency(rows, of);
    expect(pool?.warmVs).toEqual({ baseline: 'ping', ratio: 0.9 });
  });
});

describe('compareThroughput', () => {
  it('divides tasks/s, skips self-comparison and failed rows', () => {
    const rows: ThroughputRow[] = [
      { subject: 'pool', tasks: 10, ok: 10, ms: 1, tasksPerSecond: 300 },
      { subject: 'poolifier', tasks: 10, ok: 10, ms: 1, tasksPerSecond: 100 },
      { subject: 'thread', tasks: 10, ok: 0, ms: 0, tasksPerSecond: 0, error: 'died' },
      { subject: 'raw-worker', tasks: 10, ok: 10, ms: 1, tasksPerSecond: 50 },
    ];
    const [pool, poolifier, thread] = compareThroughput(rows, of);
    expect(pool?.vs).toEqual({ baseline: 'poolifier', ratio: 3 });
    expect(poolifier?.vs).toBeUndefined();
    expect(thread?.vs).toBeUndefined();
  });
});

describe('compareCpuBatch', () => {
  it('compares every row with raw piscina', () => {
    const [pool, piscina] = compareCpuBatch([
      { subject: 'pool', ms: 5500, tasksPerSecond: 1 },
      { subject: 'piscina', ms: 5000, tasksPerSecond: 1 },
    ]);
    expect(pool?.vs?.ratio).toBeCloseTo(1.1, 10);
    expect(pool?.vs?.baseline).toBe('piscina');
    expect(piscina?.vs).toBeUndefined();
  });
});
