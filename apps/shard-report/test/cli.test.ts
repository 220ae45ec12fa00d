import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const exec = promisify(execFile);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], {
      cwd: dir,
      env: { ...process.env, ISOLANE_DRIVER: '', ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout, stderr: e.stderr };
  }
}

let dir: string;
let db: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'shard-cli-'));
  db = join(dir, 'events.sqlite');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('shard-report CLI', () => {
  it('seeds on first run, then prints one line per shard and the total', async () => {
    const run = await cli(['--db', db, '--shards', '3', '--events', '3000', '--driver', 'cooperative']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(existsSync(db)).toBe(true);
    expect(run.stdout).toMatch(/^seeded 3000 events over 3 shards into .* in \d+ ms$/m);
    expect(run.stdout).toMatch(/^ {4}2 +1000 +\d+ +[\d.]+ /m);
    expect(run.stdout).toMatch(
      /^driver cooperative: 3\/3 shards, 3000 events, revenue [\d.]+, total [\d.]+ ms$/m,
    );
  });

  it('takes the driver from ISOLANE_DRIVER when no flag is given', async () => {
    const run = await cli(['--db', db, '--shards', '3'], { ISOLANE_DRIVER: 'thread' });
    expect(run.stdout).toMatch(/^using .*: 3000 events over 3 shards$/m);
    expect(run.stdout).toMatch(/^driver thread: 3\/3 shards/m);
    expect(run.code).toBe(0);
  });

  it('lists a missing shard as a failed slot, reports the others, and exits 1', async () => {
    const run = await cli(['--db', db, '--shards', '4', '--driver', 'thread']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '1 shard(s) failed:\n  shard 3: threw: SqliteError: no such table: events_3',
    );
    expect(run.stdout).toMatch(/^driver thread: 3\/4 shards, 3000 events/m);
  });

  it('compares every driver on the same data with --driver all', async () => {
    const run = await cli(['--db', db, '--shards', '3', '--driver', 'all']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const driver of ['cooperative', 'thread', 'pool', 'fork'])
      expect(run.stdout).toMatch(new RegExp(`^${driver} `, 'm'));
    expect(run.stdout).toContain('every driver produced the same results');
  });

  it('shows the CaptureError of passing the handle', async () => {
    const run = await cli(['capture-demo', '--db', db]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'wg.go(summaryFromHandle, db, 0)\n  -> CaptureError: an argument cannot cross',
    );
    expect(run.stdout).toContain('args[0]: class instance of Database');
  });

  it('rejects an unknown driver naming the choices', async () => {
    const run = await cli(['--db', db, '--driver', 'fibers']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      '--driver must be one of pool, thread, fork, cooperative, queue, all; got "fibers"',
    );
  });
});
