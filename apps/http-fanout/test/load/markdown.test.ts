import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BEGIN_MARKER,
  END_MARKER,
  markdownSection,
  textTable,
  writeSection,
} from '../../dist/load/markdown.js';
import { DEFAULT_LOAD, type LoadRow } from '../../dist/load/measure.js';

const row = (driver: LoadRow['driver'], loaded: boolean, p99: number): LoadRow => ({
  driver,
  loaded,
  report: { requests: 20, perSecond: 2, p50: 400, p99: 900, failures: 0 },
  health: { count: 1000, p50: 0.3, p99, max: p99 + 1, failures: 0 },
});

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the load report', () => {
  it('renders the idle baseline and each driver', () => {
    const text = textTable([row('cooperative', false, 2), row('pool', true, 3.5)]);
    expect(text.split('\n')).toHaveLength(4);
    expect(text).toMatch(/^none \(idle baseline\) +– +– +– +0\.30 +2\.00 +3\.00 +1000 +0$/m);
    expect(text).toMatch(/^pool +2\.0 +400 +900 +0\.30 +3\.50 +4\.50 +1000 +0$/m);
    expect(textTable([{ ...row('pool', true, 1), concurrency: 1 }])).toMatch(
      /^pool \(concurrency 1\) +2\.0 /m,
    );
    const md = markdownSection([row('pool', true, 3.5)], DEFAULT_LOAD, {
      when: new Date('2025-01-02T00:00:00Z'),
      loadAverage: 3.14,
      command: 'node load.js --duration 1',
    });
    expect(md).toContain('Measured 2025-01-02 with `node load.js --duration 1`: Node');
    expect(md).toContain('1-minute load average when the run started: 3.1.');
    expect(md).toContain('| pool | 2.0 | 400 | 900 | 0.30 | 3.50 | 4.50 | 1000 | 0 |');
  });

  it('replaces only what is between the markers', () => {
    dir = mkdtempSync(join(tmpdir(), 'fanout-md-'));
    const file = join(dir, 'doc.md');
    writeFileSync(file, `# Title\n\nbefore\n${BEGIN_MARKER}\nold table\n${END_MARKER}\nafter\n`);
    writeSection(file, 'new table');
    expect(readFileSync(file, 'utf8')).toBe(
      `# Title\n\nbefore\n${BEGIN_MARKER}\nnew table\n${END_MARKER}\nafter\n`,
    );
    const bare = join(dir, 'bare.md');
    writeSection(bare, 'only');
    expect(readFileSync(bare, 'utf8')).toBe(`${BEGIN_MARKER}\nonly\n${END_MARKER}\n`);
  });
});
