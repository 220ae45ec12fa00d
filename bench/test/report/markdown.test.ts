import { describe, expect, it } from 'vitest';
import { REGENERATE, renderMarkdown } from '../../src/report/markdown.js';
import { sampleResult } from '../fixtures/sample-result.js';

describe('renderMarkdown', () => {
  const md = renderMarkdown(sampleResult, { mdFile: 'docs/isolation-models.md', svgDir: 'docs/charts' });

  it('starts with the run header: machine, Node version, date and the regenerate command', () => {
    expect(md.startsWith('# Isolation models, measured\n')).toBe(true);
    expect(md).toContain('2026-01-02 03:04:05 UTC');
    expect(md).toContain('Node v20.20.2');
    expect(md).toContain('2 cores');
    expect(md).toContain(REGENERATE);
    expect(md).toContain('0.4 at start, 0.9 at end');
    expect(md).not.toContain('the machine was busy');
  });

  it('warns when the load average says the machine was busy', () => {
    const busy = {
      ...sampleResult,
      machine: { ...sampleResult.machine, loadAverage: { start: 0.5, end: 3.2 } },
    };
    expect(renderMarkdown(busy)).toContain('the machine was busy during this run: timings are noisy');
  });

  it('prints one comparison row per subject with ratios next to absolute figures', () => {
    const row = md.split('\n').find((l) => l.startsWith('| isolane thread |'));
    expect(row).toBeDefined();
    expect(row).toContain('30.0 ms (1.20× slower)');
    expect(row).toContain('1.50 ms (1.25× slower) *');
    expect(row).toContain('1.90×');
    expect(row).toContain('isolated (1/1)');
    expect(row).toContain('contained (1/1)');
    expect(row).toContain('9.5 MB');
    const pLimit = md.split('\n').find((l) => l.startsWith('| p-limit 7 |'));
    expect(pLimit).toContain('leaks global');
    expect(pLimit).toContain('exit: host killed');
  });

  it('shows per-task cold starts next to the baseline measured in alternation, and the in-module cost', () => {
    const lines = md.split('\n');
    const at = lines.indexOf('### Cold start next to the raw baseline');
    expect(at).toBeGreaterThan(0);
    const row = lines.slice(at).find((l) => l.startsWith('| isolane thread |'));
    expect(row).toBe(
      '| isolane thread | 30.0 ms | raw new Worker | 25.0 ms | 1.20× | 1.25×, 1.20×, 1.10× | 32.5 ms | +2.50 ms |',
    );
  });

  it('shows pools warm next to the raw ping-pong when measured so', () => {
    const withPool = {
      ...sampleResult,
      latency: [
        ...(sampleResult.latency ?? []),
        {
          subject: 'p-limit',
          cold: null,
          warm: { n: 1, min: 0.009, p50: 0.009, p95: 0.009, p99: 0.009, max: 0.009, mean: 0.009 },
          warmMode: 'sequential' as const,
          warmPaired: {
            baseline: 'raw-worker',
            baselineWarm: { n: 1, min: 0.01, p50: 0.01, p95: 0.01, p99: 0.01, max: 0.01, mean: 0.01 },
            ratio: 0.9,
          },
        },
      ],
    };
    const lines = renderMarkdown(withPool).split('\n');
    const at = lines.indexOf('### Warm round trip next to the raw ping-pong');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at).find((l) => l.startsWith('| p-limit 7 |'))).toBe(
      '| p-limit 7 | 9.00 µs | raw new Worker | 10.0 µs | 0.90× | - |',
    );
  });

  it('says why an unavailable subject was not measured', () => {
    expect(md).toContain('unavailable: @isolane/fork not built or not installed');
    expect(md).toContain('## Not measured');
  });

  it('escapes pipes in cells and links charts relative to the document', () => {
    expect(md).toContain('failed \\| ok');
    expect(md).toContain('](charts/latency-cold.svg)');
    expect(md).toContain('](charts/scaling.svg)');
    expect(md).not.toContain('](charts/cpu-batch.svg)'); // no rows, no chart
  });

  it("reports measure errors; the driver issues' targets only when asked (--targets), marking misses and unmeasured ones", () => {
    expect(md).toContain('error: the measuring process died (exit code 1)');
    expect(md).not.toContain('Targets of the driver issues');
    const withTargets = renderMarkdown(sampleResult, { targets: true });
    expect(withTargets).toContain('## Targets of the driver issues');
    expect(withTargets).toMatch(
      /\| #3 \| thread cold vs raw new Worker \| 1\.20× \| <= 1\.10× \| \*\*no\*\* \|/,
    );
    expect(withTargets).toMatch(/\| #3 \| fork cold vs raw fork \| not measured \| <= 1\.10× \| - \|/);
  });

  it('omits chart links when no SVG directory is given', () => {
    expect(renderMarkdown(sampleResult)).not.toContain('.svg)');
  });
});
