import { describe, expect, it } from 'vitest';
import { MIN_RATIO_SAMPLES, maxSpeedup, speedupIsNoise } from '../../src/report/noise.js';
import { directedRatio, summarizeResult } from '../../src/report/summary.js';
import type { BenchResult } from '../../src/result.js';
import { sampleResult } from '../fixtures/sample-result.js';

const inProcess = { features: { inProcess: true } } as Parameters<typeof maxSpeedup>[0];
const threads = { features: { inProcess: false } } as Parameters<typeof maxSpeedup>[0];

describe('figures the machine cannot produce are noise', () => {
  it('a speedup above the core count, or above 1 on the host thread', () => {
    expect(maxSpeedup(inProcess, { cores: 2 })).toBe(1);
    expect(maxSpeedup(threads, { cores: 2 })).toBe(2);
    expect(speedupIsNoise(1.64, inProcess, { cores: 2 })).toBe(true); // cooperative's --quick 1.64×
    expect(speedupIsNoise(2.9, threads, { cores: 2 })).toBe(true); // ping-pong's 2.90× on 2 cores
    expect(speedupIsNoise(1.02, inProcess, { cores: 2 })).toBe(false);
    expect(speedupIsNoise(1.95, threads, { cores: 2 })).toBe(false);
  });

  it('the comparison cells flag them instead of printing a result', () => {
    const result: BenchResult = {
      ...sampleResult,
      scaling: {
        ...sampleResult.scaling!,
        rows: [
          { subject: 'thread', ms: 400, speedup: 2.9 },
          { subject: 'p-limit', ms: 600, speedup: 1.64 },
          { subject: 'raw-worker', ms: 1040, speedup: 1.92 },
        ],
      },
      latency: sampleResult.latency!.map((r) =>
        r.subject === 'thread' && r.cold ? { ...r, cold: { ...r.cold, n: MIN_RATIO_SAMPLES - 7 } } : r,
      ),
    };
    const rows = new Map(summarizeResult(result).map((r) => [r.subject.id, r]));
    expect(rows.get('thread')!.parallelism).toBe('noise (2.90× > max 2)');
    expect(rows.get('p-limit')!.parallelism).toBe('noise (1.64× > max 1)');
    expect(rows.get('raw-worker')!.parallelism).toBe('1.92×');
    expect(rows.get('thread')!.cold).toBe('30.0 ms (ratio: noise, n=3)');
  });
});

describe('directedRatio', () => {
  it('says faster or slower', () => {
    expect(directedRatio(1.2, 'time')).toBe('1.20× slower');
    expect(directedRatio(0.5, 'time')).toBe('2.00× faster');
    expect(directedRatio(6.8, 'rate')).toBe('6.80× faster');
    expect(directedRatio(0.25, 'rate')).toBe('4.00× slower');
    expect(directedRatio(1.001, 'time')).toBe('same');
  });
});
