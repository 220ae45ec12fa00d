import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChildOutput } from '../../src/driver-kit/child-output.js';

// childStdoutSpec looks at this process's own stdout once: each answer is taken in a fresh Node process.
const BUILT = new URL('../../dist/driver-kit/child-output.js', import.meta.url).href;
const SPEC = `const { childStdoutSpec } = await import(${JSON.stringify(BUILT)});
process.stderr.write(['inherit', 'capture', 'ignore'].map((m) => childStdoutSpec(m)).join(','));`;

/** What childStdoutSpec answers for 'inherit', 'capture', 'ignore' in a process whose stdout is `stdout`. */
function specWith(stdout: 'pipe' | number): string {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', SPEC], {
    stdio: ['ignore', stdout, 'pipe'],
    encoding: 'utf8',
    timeout: 30_000,
  });
  return run.stderr;
}

/** A child that prints `script`'s output, and what ChildOutput made of it once it exited. */
function runChild(script: string, onOutput?: (stream: 'stdout' | 'stderr', text: string) => void) {
  const child: ChildProcess = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = new ChildOutput(child, onOutput ? 'capture' : 'ignore', onOutput);
  return new Promise<ChildOutput>((resolve) => child.on('close', () => resolve(output)));
}

describe('childStdoutSpec', () => {
  it("pipes 'inherit' when this process's stdout is a pipe: children would cut each other's lines there", () => {
    expect(specWith('pipe')).toBe('pipe,pipe,ignore');
  }, 40_000);

  it('passes a file (or a device) straight to the child: a file takes each write whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'isolane-stdout-'));
    try {
      const fd = openSync(join(dir, 'out.txt'), 'w');
      try {
        expect(specWith(fd)).toBe('inherit,pipe,ignore');
      } finally {
        closeSync(fd);
      }
      const devNull = openSync('/dev/null', 'w');
      try {
        expect(specWith(devNull)).toBe('inherit,pipe,ignore');
      } finally {
        closeSync(devNull);
      }
      expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);
});

describe('ChildOutput', () => {
  it("hands both streams to onOutput with 'capture', and keeps the end of stderr", async () => {
    const got = { stdout: '', stderr: '' };
    const output = await runChild(
      "process.stdout.write('out line\\n'); process.stderr.write('x'.repeat(5000) + 'last words');",
      (stream, text) => {
        got[stream] += text;
      },
    );
    expect(got.stdout).toBe('out line\n');
    expect(got.stderr).toBe(`${'x'.repeat(5000)}last words`);
    expect(output.tail.length).toBe(2048);
    expect(output.tail.endsWith('last words')).toBe(true);
    expect(output.oom).toBe(false);
  }, 40_000);

  it("recognises V8's out-of-memory report on stderr, even split across chunks", async () => {
    const output = await runChild(
      "process.stderr.write('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap o', () => setTimeout(() => process.stderr.write('ut of memory\\n'), 50));",
    );
    expect(output.oom).toBe(true);
  }, 40_000);
});
