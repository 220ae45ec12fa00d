/**
 * Output paths are checked before anything is measured, and a write that fails afterwards keeps the
 * results. The /proc case used to spin forever in Node 20's recursive mkdir: it must fail fast.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutputPaths, makeDirs, writeOutputs } from '../src/output-paths.js';
import { sampleResult } from './fixtures/sample-result.js';

const dir = mkdtempSync(join(tmpdir(), 'isolane-bench-paths-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 60_000, cwd: dir }, (err, stdout, stderr) => {
      resolve({
        code: err ? (typeof err.code === 'number' ? err.code : null) : 0,
        stdout,
        stderr,
        ms: Date.now() - started,
      });
    });
  });
}

describe('checkOutputPaths', () => {
  it('accepts new files in new folders (made at once) and an existing folder for charts', () => {
    const json = join(dir, 'new', 'deeper', 'run.json');
    expect(() => checkOutputPaths({ json, md: join(dir, 'doc.md'), svg: join(dir, 'charts') })).not.toThrow();
    expect(existsSync(join(dir, 'new', 'deeper'))).toBe(true);
    expect(existsSync(join(dir, 'charts'))).toBe(true);
  });

  it('rejects a file under a path that is a file, naming the option and the path', () => {
    writeFileSync(join(dir, 'dir.md'), 'not a folder');
    expect(() => checkOutputPaths({ json: join(dir, 'dir.md', 'x.json') })).toThrow(
      /^--json .*dir\.md\/x\.json: cannot write there \(.*not a directory/,
    );
  });

  it('rejects a directory given as the file', () => {
    mkdirSync(join(dir, 'adir'), { recursive: true });
    expect(() => checkOutputPaths({ md: join(dir, 'adir') })).toThrow(
      /^--md .*adir: cannot write there \(it is a directory\)/,
    );
  });

  it('rejects a charts folder that is a file', () => {
    writeFileSync(join(dir, 'charts.txt'), '');
    expect(() => checkOutputPaths({ svg: join(dir, 'charts.txt') })).toThrow(
      /^--svg .*charts\.txt: cannot write charts there/,
    );
  });

  it('fails fast under /proc (no endless recursive mkdir)', { timeout: 30_000 }, () => {
    const started = Date.now();
    expect(() => checkOutputPaths({ json: '/proc/nope/x.json' })).toThrow(
      /^--json \/proc\/nope\/x\.json: cannot write there/,
    );
    expect(() => makeDirs('/proc/nope/deeper')).toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('writeOutputs', () => {
  it('keeps the results in a temporary file when a write fails, and says where', () => {
    const lines: string[] = [];
    const keep = mkdtempSync(join(dir, 'keep-'));
    const report = writeOutputs(
      [
        { option: '--md', path: 'ok.md', write: () => 'wrote ok.md' },
        {
          option: '--json',
          path: '/gone/x.json',
          write: () => {
            throw new Error('EACCES: permission denied');
          },
        },
      ],
      sampleResult,
      (l) => lines.push(l),
      keep,
    );
    expect(report.failures).toEqual(['--json /gone/x.json: EACCES: permission denied']);
    expect(report.keptAt).toMatch(/isolane-bench-.*\.json$/);
    expect(JSON.parse(readFileSync(report.keptAt!, 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(sampleResult)),
    );
    expect(lines).toContain('wrote ok.md');
    expect(lines.join('\n')).toContain(`the results are kept in ${report.keptAt}`);
  });

  it('writes nothing extra when every output succeeds', () => {
    const report = writeOutputs(
      [{ option: '--json', path: 'a', write: () => 'wrote a' }],
      sampleResult,
      () => {},
    );
    expect(report).toEqual({ failures: [] });
  });
});

describe('the CLI checks its flags before measuring', () => {
  it('--json under /proc: a clear error at once, exit code 1, nothing measured', {
    timeout: 90_000,
  }, async () => {
    const r = await cli(['latency', '--quick', '--no-progress', '--json', '/proc/nope/x.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--json \/proc\/nope\/x\.json: cannot write there/);
    expect(r.stdout).toBe('');
  });

  it('--json under a file: a clear error at once', { timeout: 90_000 }, async () => {
    writeFileSync(join(dir, 'some.md'), '');
    const r = await cli(['latency', '--quick', '--no-progress', '--json', 'some.md/x.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--json some\.md\/x\.json: cannot write there/);
    expect(r.stdout).toBe('');
  });

  it('--drivers none --peers none is an error, not empty tables', { timeout: 90_000 }, async () => {
    const r = await cli(['latency', '--drivers', 'none', '--peers', 'none', '--no-progress']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nothing to measure: --drivers none --peers none/);
    expect(r.stdout).toBe('');
  });
});
