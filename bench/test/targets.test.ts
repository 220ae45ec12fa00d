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
    expect(targets.every((t) => [3, 4, 15, 16, 17, 18].includes(t.issue))).toBe(true);
    expect(byId.get('pool-process-warm')).toMatchObject({ measured: null, met: null });
    // No messages measure in this run: the issue 18 target is listed, not measured.
    expect(byId.get('pool-messages')).toMatchObject({ issue: 18, measured: null, met: null });
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

  it('holds the pool of processes to the raw IPC ping-pong and to tinypool child_process (issue 17)', () => {
    const warm = (p50: number) => ({ n: 300, min: p50, p50, p95: p50, p99: p50, max: p50, mean: p50 });
    const targets = checkTargets({
      ...sampleResult,
      machine: { ...sampleResult.machine, cores: 2 },
      latency: [
        {
          subject: 'pool-process',
          cold: null,
          warm: warm(0.033),
          warmMode: 'sequential',
          warmVs: { baseline: 'raw-process-ping-pong', ratio: 1.32 },
        },
        {
          subject: 'tinypool-process',
          cold: null,
          warm: warm(0.06),
          warmMode: 'sequential',
          warmVs: { baseline: 'raw-process-ping-pong', ratio: 2.4 },
        },
      ],
      throughput: [
        { subject: 'pool-process', tasks: 100_000, ok: 100_000, ms: 5_000, tasksPerSecond: 20_000 },
        { subject: 'tinypool-process', tasks: 100_000, ok: 100_000, ms: 12_500, tasksPerSecond: 8_000 },
      ],
      scaling: {
        ...sampleResult.scaling!,
        rows: [{ subject: 'pool-process', ms: 1_060, speedup: 1.89 }],
      },
    });
    const byId = new Map(targets.map((t) => [t.id, t]));
    expect(byId.get('pool-process-warm')).toMatchObject({
      issue: 17,
      measured: 1.32,
      limit: 1.1,
      met: false,
    });
    expect(byId.get('pool-process-warm-vs-tinypool')).toMatchObject({ issue: 17, measured: 0.55, met: true });
    expect(byId.get('pool-process-throughput')).toMatchObject({
      issue: 17,
      measured: 2.5,
      limit: 3,
      met: false,
    });
    expect(byId.get('pool-process-scaling')).toMatchObject({ issue: 17, measured: 1.89, met: true });
    expect(byId.get('pool-process-scaling')?.note).toBeUndefined();
  });

  it('holds a group per request to the raw ping-pong, to a reused group and to p-limit + structuredClone (issue 15)', () => {
    const st = (p50: number) => ({ n: 300, min: p50, p50, p95: p50, p99: p50, max: p50, mean: p50 });
    const construction = (ratio: number) => ({
      driver: 'pool',
      perBlock: 200,
      newGroup: st(0.004 * ratio),
      structuredClone: st(0.004),
      ratio,
    });
    const targets = checkTargets({
      ...sampleResult,
      latency: [
        {
          subject: 'pool',
          cold: null,
          warm: st(0.037),
          warmMode: 'sequential',
          warmVs: { baseline: 'raw-ping-pong', ratio: 0.99 },
          reused: st(0.0274),
          perRequestVsReused: 2.2,
          construction: construction(1.9),
        },
        {
          subject: 'cooperative',
          cold: null,
          warm: st(0.041),
          warmMode: 'sequential',
          warmVs: { baseline: 'p-limit-clone', ratio: 3.7 },
        },
      ],
    });
    const byId = new Map(targets.map((t) => [t.id, t]));
    expect(byId.get('pool-per-request')).toMatchObject({ issue: 15, measured: 0.99, limit: 1, met: true });
    expect(byId.get('pool-per-request-vs-reused')).toMatchObject({ measured: 2.2, limit: 2, met: false });
    expect(byId.get('cooperative-per-request')).toMatchObject({ measured: 3.7, limit: 3, met: false });
    expect(byId.get('new-group')).toMatchObject({ measured: 1.9, limit: 3, met: true });
    // A cooperative figure held to any other floor is not this target's measure.
    const other = checkTargets({
      ...sampleResult,
      latency: [
        {
          subject: 'cooperative',
          cold: null,
          warm: st(0.041),
          warmMode: 'sequential',
          warmVs: { baseline: 'p-limit', ratio: 2 },
        },
      ],
    });
    expect(other.find((t) => t.id === 'cooperative-per-request')).toMatchObject({
      measured: null,
      met: null,
    });
  });
});
