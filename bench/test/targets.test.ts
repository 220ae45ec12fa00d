import { describe, expect, it } from 'vitest';
import { checkTargets } from '../src/targets.js';
import { sampleResult } from './fixtures/sample-result.js';

describe('checkTargets', () => {
  it('checks each target against the run and marks the unmeasured ones', () => {
    const targets = checkTargets(sampleResult);
    const byId = new Map(targets.map((t) => [t.id, t]));
    expect(byId.get('thread-cold')).toMatchObject({ measured: 1.2, met: false });
    expect(byId.get('thread-prespawn')).toMatchObject({ measured: 1.5, met: true });
    expect(byId.get('thread-prespawn-gain')).toMatchObject({ measured: 20, met: true });
    expect(byId.get('fork-cold')).toMatchObject({ measured: null, met: null });
    expect(byId.get('pool-throughput')).toMatchObject({ measured: null, met: null });
    expect(targets.every((t) => t.issue === 3 || t.issue === 4 || t.issue === 16)).toBe(true);
  });

  it('holds the queue driver to raw BullMQ of the same run (issue 16)', () => {
    const targets = checkTargets({
      ...sampleResult,
      latency: [
        {
          subject: 'queue',
          cold: null,
          warm: { n: 300, min: 2, p50: 3, p95: 4, p99: 5, max: 6, mean: 3 },
          warmMode: 'sequential',
          warmVs: { baseline: 'raw-bullmq', ratio: 1.25 },
        },
      ],
      throughput: [
        { subject: 'queue', tasks: 10_000, ok: 10_000, ms: 4_000, tasksPerSecond: 2_500 },
        { subject: 'raw-bullmq', tasks: 10_000, ok: 10_000, ms: 5_000, tasksPerSecond: 2_000 },
      ],
    });
    const byId = new Map(targets.map((t) => [t.id, t]));
    expect(byId.get('queue-warm')).toMatchObject({ issue: 16, measured: 1.25, limit: 1.2, met: false });
    expect(byId.get('queue-throughput')).toMatchObject({ issue: 16, measured: 1.25, limit: 1, met: true });
  });
});
