import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  perRequestSection,
  SECTION_BEGIN,
  SECTION_END,
  writeSection,
} from '../../src/report/per-request-section.js';
import type { BenchResult } from '../../src/result.js';
import { sampleResult } from '../fixtures/sample-result.js';

const stats = (p50: number) => ({ n: 30, min: p50, p50, p95: p50, p99: p50, max: p50, mean: p50 });
const result: BenchResult = {
  ...sampleResult,
  command: 'latency',
  machine: { ...sampleResult.machine, loadAverage: { start: 6.1, end: 7 } },
  latency: [
    {
      subject: 'cooperative',
      cold: null,
      warm: stats(0.041),
      warmMode: 'sequential',
      warmVs: { baseline: 'p-limit-clone', ratio: 3.7 },
      reused: stats(0.03),
      perRequestVsReused: 1.37,
    },
  ],
};

const dir = mkdtempSync(join(tmpdir(), 'per-request-section-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the per-request block', () => {
  it('states its own run and the machine load, between markers', () => {
    const block = perRequestSection(result);
    expect(block.startsWith(SECTION_BEGIN)).toBe(true);
    expect(block.endsWith(SECTION_END)).toBe(true);
    expect(block).toContain('`isolane-bench latency`');
    expect(block).toContain('load 6.1 → 7');
    expect(block).toContain('the machine was busy');
    // Subjects the result does not list go by their id.
    expect(block).toContain('| cooperative | sequential | 41.0 µs | 30.0 µs | 1.37× | 3.70× p-limit-clone |');
  });

  it('refuses a result without per-request figures', () => {
    expect(() => perRequestSection({ ...sampleResult, latency: [] })).toThrow(/no per-request figures/);
  });

  it('replaces the block between the markers, and appends it to a file without them', () => {
    const file = join(dir, 'doc.md');
    writeFileSync(file, `# Doc\n\nbefore\n\n${SECTION_BEGIN}\nold figures\n${SECTION_END}\n\nafter\n`);
    writeSection(result, file);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('old figures');
    expect(text).toContain('before');
    expect(text).toContain('after');
    expect(text.split(SECTION_BEGIN).length).toBe(2);
    const plain = join(dir, 'plain.md');
    writeFileSync(plain, '# Plain\n');
    writeSection(result, plain);
    writeSection(result, plain); // the second write replaces the first
    const appended = readFileSync(plain, 'utf8');
    expect(appended.startsWith('# Plain\n\n<!-- per-request:begin -->')).toBe(true);
    expect(appended.split(SECTION_BEGIN).length).toBe(2);
  });
});
