import { describe, expect, it } from 'vitest';
import { barChart, renderCharts } from '../../src/report/svg.js';
import { sampleResult } from '../fixtures/sample-result.js';

function tags(svg: string, name: string): number {
  return svg.match(new RegExp(`<${name}\\b`, 'g'))?.length ?? 0;
}

describe('barChart', () => {
  const svg = barChart({
    title: 'Warm <p50> & more',
    subtitle: 'ms',
    log: true,
    bars: [
      { label: 'a', value: 0.001, text: '1 µs', kind: 'peer' },
      { label: 'b', value: 10, text: '10 ms', kind: 'driver' },
      { label: 'skipped', value: 0, text: '0', kind: 'baseline' },
    ],
    reference: { value: 1, label: 'ref' },
  });

  it('is one SVG document with a bar per positive value, a background and a legend', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(tags(svg, 'svg')).toBe(1);
    expect(tags(svg, 'rect')).toBe(1 + 2 + 3);
    expect(svg).not.toContain('skipped');
    expect(tags(svg, 'line')).toBe(1);
  });

  it('escapes text', () => {
    expect(svg).toContain('Warm &lt;p50&gt; &amp; more');
    expect(svg).not.toContain('<p50>');
  });

  it('orders bar lengths by value on a log scale', () => {
    const widths = [...svg.matchAll(/<rect x="250" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(2);
    expect(widths[0]!).toBeLessThan(widths[1]!);
    expect(widths[0]!).toBeGreaterThan(0);
  });

  it('is deterministic', () => {
    const spec = {
      title: 't',
      subtitle: 's',
      bars: [{ label: 'x', value: 2, text: '2', kind: 'driver' as const }],
    };
    expect(barChart(spec)).toBe(barChart(spec));
  });
});

describe('renderCharts', () => {
  it('draws a chart per measured section, skipping failed rows and empty sections', () => {
    const charts = renderCharts(sampleResult);
    expect(charts.map((c) => c.file)).toEqual([
      'latency-cold.svg',
      'latency-warm.svg',
      'throughput.svg',
      'scaling.svg',
      'memory.svg',
    ]);
    const scaling = charts.find((c) => c.file === 'scaling.svg')!.svg;
    expect(scaling).toContain('isolane thread');
    expect(scaling).not.toContain('p-limit'); // its row is an error
    const memory = charts.find((c) => c.file === 'memory.svg')!.svg;
    expect(memory).toContain('9.5 MB');
  });
});
