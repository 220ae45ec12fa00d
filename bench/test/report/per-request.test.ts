import { describe, expect, it } from 'vitest';
import { validateResult } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { perRequestMarkdown, reusedCell } from '../../src/report/per-request.js';
import { renderTerminal } from '../../src/report/table.js';
import type { BenchResult, LatencyRow } from '../../src/result.js';
import { subjectById } from '../../src/subjects/catalogue.js';
import { describeSubject } from '../../src/subjects/describe-subject.js';
import { sampleResult } from '../fixtures/sample-result.js';

const stats = (p50: number) => ({ n: 30, min: p50, p50, p95: p50, p99: p50, max: p50, mean: p50 });

const poolRow: LatencyRow = {
  subject: 'pool',
  cold: stats(20),
  warm: stats(0.037),
  warmMode: 'sequential',
  warmVs: { baseline: 'raw-ping-pong', ratio: 0.99 },
  warmPaired: { baseline: 'raw-ping-pong', baselineWarm: stats(0.0374), ratio: 0.99 },
  reused: stats(0.0274),
  perRequestVsReused: 1.35,
  construction: {
    driver: 'pool',
    perBlock: 200,
    newGroup: stats(0.004),
    structuredClone: stats(0.002),
    ratio: 2,
  },
  spin: {
    tasks: 1000,
    burstMs: 40,
    burstCpuMs: 62,
    cpuMsPerThousand: 62,
    idleMs: 1003,
    idleCpuMs: 4,
    spinMs: 0,
    childProcesses: 0,
    windowMs: 10,
  },
};

const result: BenchResult = {
  ...sampleResult,
  subjects: [
    ...sampleResult.subjects,
    { ...describeSubject(subjectById('pool')), available: true },
    { ...describeSubject(subjectById('raw-ping-pong')), available: true },
  ],
  latency: [
    ...(sampleResult.latency ?? []),
    poolRow,
    { subject: 'raw-ping-pong', cold: null, warm: stats(0.0374), warmMode: 'sequential' },
  ],
};

describe('per-request figures in the reports', () => {
  it('match the JSON schema', () => {
    expect(validateResult(JSON.parse(JSON.stringify(result)))).toEqual([]);
    const bad = { ...result, latency: [{ ...poolRow, spin: { ...poolRow.spin, spinMs: -1 } }] };
    expect(validateResult(JSON.parse(JSON.stringify(bad))).join('\n')).toContain('spinMs');
  });

  it('put the reused group next to the per-request figure, and say a peer has none', () => {
    const pool = result.subjects.find((s) => s.id === 'pool')!;
    expect(reusedCell(pool, poolRow)).toBe('27.4 µs (per request 1.35× that)');
    const pLimit = result.subjects.find((s) => s.id === 'p-limit')!;
    expect(
      reusedCell(
        pLimit,
        result.latency?.find((r) => r.subject === 'p-limit'),
      ),
    ).toBe('n/a (warm = per request)');
    expect(reusedCell(pool, { ...poolRow, error: 'died' })).toBe('error');
  });

  it('write a Markdown section with per request, reused, floor and construction', () => {
    const lines = perRequestMarkdown(result);
    expect(lines).toContain('### A group per request vs one reused group');
    expect(lines.find((l) => l.startsWith('| isolane pool |'))).toBe(
      '| isolane pool | sequential | 37.0 µs | 27.4 µs | 1.35× | 0.99× raw postMessage ping-pong | 4.00 µs | 2.00 µs | 2.00× |',
    );
    expect(lines.join('\n')).toContain('p-limit 7 1.00 µs');
  });

  it('write the spin-poll CPU cost next to the warm round trip', () => {
    const lines = perRequestMarkdown(result);
    const at = lines.indexOf('### What the warm round trip costs in CPU');
    expect(at).toBeGreaterThan(0);
    const row = lines.slice(at).find((l) => l.startsWith('| isolane pool |'));
    expect(row).toBe('| isolane pool | 37.0 µs | 62.0 ms | 40.0 ms | 4.00 ms in 1003 ms | 0 | 0 |');
  });

  it('are empty without per-request figures, and part of the full Markdown and terminal reports', () => {
    expect(perRequestMarkdown(sampleResult)).toEqual([]);
    const md = renderMarkdown(result);
    expect(md).toContain('reused group p50');
    expect(md).toContain('### What the warm round trip costs in CPU');
    const text = renderTerminal(result, { wide: true });
    expect(text).toContain('reused group p50');
    expect(text).toContain('27.4 µs (per request 1.35× that)');
  });
});
