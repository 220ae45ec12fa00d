import { describe, expect, it } from 'vitest';
import { columnGroups, DEFAULT_WIDTH, renderTerminal } from '../../src/report/table.js';
import { sampleResult } from '../fixtures/sample-result.js';

const widest = (text: string): number => Math.max(...text.split('\n').map((l) => [...l].length));

describe('renderTerminal fits the terminal', () => {
  it('no line is wider than the width given (80 and 120 columns)', () => {
    for (const width of [80, 120]) {
      const out = renderTerminal(sampleResult, { width });
      expect(widest(out), `width ${width}`).toBeLessThanOrEqual(width);
      // Nothing is lost: every column heading is still there.
      for (const head of [
        'parallelism',
        'cold p50',
        'warm p50',
        'throughput',
        'state isolation',
        'crash containment',
        'mem/worker',
      ]) {
        expect(out).toContain(head);
      }
    }
  });

  it('defaults to 100 columns when no width is known (not a terminal)', () => {
    expect(DEFAULT_WIDTH).toBe(100);
    expect(widest(renderTerminal(sampleResult))).toBeLessThanOrEqual(100);
  });

  it('--wide prints the comparison table whole (one table, wider than 100 columns)', () => {
    const out = renderTerminal(sampleResult, { width: 80, wide: true });
    expect(widest(out)).toBeGreaterThan(100);
    const header = out.split('\n').find((l) => l.includes('parallelism'))!;
    expect(header).toContain('mem/worker');
  });

  it('the targets of the driver issues appear only with --targets', () => {
    expect(renderTerminal(sampleResult)).not.toMatch(/#3|targets/);
    expect(renderTerminal(sampleResult, { targets: true })).toMatch(/speed targets[\s\S]*#3/);
  });

  it('ratios say their direction', () => {
    const out = renderTerminal(sampleResult, { width: 200 });
    expect(out).toContain('30.0 ms (1.20× slower)');
    expect(out).not.toMatch(/\(\d+\.\d+×\)/);
  });
});

describe('columnGroups', () => {
  it('packs columns into tables no wider than the width, at least one column each', () => {
    expect(columnGroups(24, [14, 24, 26, 22], 100)).toEqual([[0, 1, 2], [3]]);
    expect(columnGroups(24, [14, 24, 26, 22], 200)).toEqual([[0, 1, 2, 3]]);
    expect(columnGroups(24, [90, 10], 50)).toEqual([[0], [1]]);
  });
});
