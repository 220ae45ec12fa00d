// One command's life: total and idle timeouts, whole-tree kills (checked in the process table by a
// marker only these tests use), bounded capture of a 100 MiB output, cwd/env/input/shell.
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { CommandPool, type CommandResult, runCommands } from '../src/index.js';
import { useMarkerCleanup } from './helpers/marker-cleanup.js';
import {
  failureOf,
  fixture,
  node,
  processesWith,
  successOf,
  uniqueSleep,
  until,
} from './helpers/processes.js';

const marked = useMarkerCleanup();

async function one(file: string, args: string[], options = {}): Promise<CommandResult> {
  const { x } = await runCommands({ x: [file, args, options] });
  return x;
}

describe('timeouts', () => {
  it('timeout: a command running too long fails as timeout and is killed', async () => {
    const marker = marked();
    const r = await one(node, [fixture('sleep.js'), '1000000', marker], { timeout: 500, killGraceMs: 2_000 });
    const failure = failureOf(r);
    expect(failure).toMatchObject({
      kind: 'timeout',
      name: 'TimeoutError',
      signal: 'SIGTERM',
      stdout: 'started',
    });
    expect(failure.message).toContain('ran longer than 500 ms');
    expect(r.ms).toBeGreaterThanOrEqual(500);
    expect(processesWith(marker)).toEqual([]);
  }, 60_000);

  it('a command ignoring SIGTERM gets SIGKILL after killGraceMs', async () => {
    const marker = marked();
    const controller = new AbortController();
    const pool = new CommandPool({ killGraceMs: 300 });
    pool.add('x', node, [fixture('ignore-term.js'), marker], { signal: controller.signal });
    // Stop it only once its SIGTERM handler is in place (a slow start would otherwise die of SIGTERM).
    pool.start(({ line }) => {
      if (line === 'ready') controller.abort();
    });
    const { x } = await pool.wait();
    expect(failureOf(x)).toMatchObject({ kind: 'aborted', signal: 'SIGKILL' });
    expect(failureOf(x).stdout).toContain('got SIGTERM, ignoring it');
    expect(x?.ms).toBeGreaterThanOrEqual(300);
    expect(processesWith(marker)).toEqual([]);
  }, 60_000);

  it('idleTimeout: no output for N ms fails as timeout with a message saying idle', async () => {
    const r = await one(node, [fixture('sleep.js')], { idleTimeout: 400, killGraceMs: 1_000 });
    expect(failureOf(r)).toMatchObject({ kind: 'timeout', name: 'TimeoutError' });
    expect(failureOf(r).message).toMatch(/idle: no output for 400 ms/);
  }, 60_000);

  it('idleTimeout: steady output keeps a command alive past the idle limit', async () => {
    // 8 lines 400 ms apart: 3.2 s in all, never 2.5 s silent (unless Node takes that long to start).
    const r = await one(node, [fixture('tick.js'), '8', '400'], { idleTimeout: 2_500 });
    expect(successOf(r).stdout.split('\n')).toHaveLength(8);
    expect(r.ms).toBeGreaterThan(2_500);
  }, 60_000);

  it("a command's timeout overrides the pool's", async () => {
    const pool = new CommandPool({ timeout: 300, killGraceMs: 500 });
    pool.add('short', node, [fixture('tick.js'), '1', '1500']);
    pool.add('long', node, [fixture('tick.js'), '1', '1500'], { timeout: 30_000 });
    const { short, long } = await pool.wait();
    expect(failureOf(short).kind).toBe('timeout');
    expect(successOf(long).stdout).toBe('tick 1');
  }, 60_000);
});

describe('whole process tree', () => {
  for (const how of ['timeout', 'abort', 'stop'] as const) {
    it(`${how}: grandchildren (one ignoring SIGTERM) are gone too`, async () => {
      const marker = marked();
      const controller = new AbortController();
      const pool = new CommandPool({ killGraceMs: 500, signal: controller.signal });
      pool.add('tree', node, [fixture('tree.js'), marker], how === 'timeout' ? { timeout: 1_000 } : {});
      let up = false;
      pool.start(({ line }) => {
        if (line.startsWith('grandchildren')) up = true;
      });
      // tree.js itself carries the marker too: three processes.
      expect(await until(() => up && processesWith(marker).length === 3, 30_000)).toBe(true);
      if (how === 'abort') controller.abort();
      if (how === 'stop') void pool.stop();
      const { tree } = await pool.wait();
      expect(failureOf(tree).kind).toBe(how === 'timeout' ? 'timeout' : 'aborted');
      expect(
        await until(() => processesWith(marker).length === 0, 10_000),
        `left running: ${processesWith(marker).join(', ')}`,
      ).toBe(true);
    }, 60_000);
  }

  it("sh -c 'sleep & sleep': a shell's background job dies with it", async () => {
    const seconds = marked(uniqueSleep());
    const r = await one('sh', ['-c', `sleep ${seconds} & sleep ${seconds}`], {
      timeout: 800,
      killGraceMs: 500,
    });
    expect(failureOf(r).kind).toBe('timeout');
    expect(
      await until(() => processesWith(seconds).length === 0, 10_000),
      `left running: ${processesWith(seconds).join(', ')}`,
    ).toBe(true);
  }, 60_000);

  it('a leader that exits leaves nothing behind, and its result does not wait for stragglers', async () => {
    const marker = marked();
    const r = await one(node, [fixture('tree.js'), marker, 'exit'], { killGraceMs: 500 });
    expect(successOf(r).stdout).toMatch(/^grandchildren \d+ \d+$/);
    expect(
      await until(() => processesWith(marker).length === 0, 10_000),
      `left running: ${processesWith(marker).join(', ')}`,
    ).toBe(true);
  }, 60_000);

  it('a process that left the group and holds the pipes holds the result for the grace only', async () => {
    const marker = marked();
    const r = await one(node, [fixture('escape.js'), marker], { timeout: 30_000, killGraceMs: 300 });
    // The leader's exit code decides; the escaped grandchild (out of our reach, by design) lives on.
    expect(successOf(r)).toMatchObject({ exitCode: 0, stdout: 'hi' });
    expect(processesWith(marker)).toHaveLength(1);
  }, 60_000);

  it('processGroup: false signals the command only: its children outlive it (the documented trade-off)', async () => {
    const marker = marked();
    const pool = new CommandPool({ processGroup: false, killGraceMs: 500 });
    // The grandchildren hold no pipe of ours (stdio: 'ignore'), so the result does not wait for them.
    pool.add('tree', node, [fixture('tree.js'), marker], { timeout: 1_000 });
    const { tree } = await pool.wait();
    expect(failureOf(tree)).toMatchObject({ kind: 'timeout', signal: 'SIGTERM' });
    expect(processesWith(marker)).toHaveLength(2);
  }, 60_000);
});

describe('output', () => {
  it('100 MiB of output: captured up to maxBuffer, then a marker — not an error', async () => {
    const lines: number[] = [];
    let count = 0;
    const pool = new CommandPool({ maxBuffer: 1_000_000 });
    pool.add('big', node, [fixture('big.js'), '100']);
    pool.start(({ line }) => {
      count++;
      if (count === 1) lines.push(line.length);
    });
    const { big } = await pool.wait();
    const value = successOf(big);
    expect(value.stdoutBytes).toBe(100 * 1024 * 1024);
    expect(value.truncated).toBe(true);
    const kept = value.stdout.slice(0, value.stdout.lastIndexOf('\n'));
    expect(kept.length).toBe(1_000_000);
    expect(value.stdout).toMatch(
      new RegExp(`\\[isolane: output truncated: ${100 * 1024 * 1024 - 1_000_000} more bytes not captured`),
    );
    // Streaming is not bounded by maxBuffer: every line arrives.
    expect(count).toBe(100 * 1024);
    expect(lines).toEqual([1023]);
  }, 120_000);

  it('maxBuffer: 0 keeps nothing but still counts', async () => {
    const r = await one(node, [fixture('print.js'), '2', '1'], { maxBuffer: 0 });
    expect(successOf(r)).toMatchObject({ stdoutBytes: 12, stderrBytes: 6, truncated: true });
    expect(successOf(r).stdout).toMatch(/^\[isolane: output truncated: 12 more bytes/);
  }, 60_000);

  it('cwd, env (extended or not), input and shell', async () => {
    const dir = tmpdir();
    const env = await one(node, [fixture('echo-env.js'), 'ISOLANE_A', 'HOME'], {
      cwd: dir,
      env: { ISOLANE_A: 'yes' },
    });
    expect(successOf(env).stdout).toContain(`cwd ${dir}`);
    expect(successOf(env).stdout).toContain('ISOLANE_A=yes');
    expect(successOf(env).stdout).not.toContain('HOME=(unset)');
    const bare = await one(node, [fixture('echo-env.js'), 'HOME'], { extendEnv: false, env: {} });
    expect(successOf(bare).stdout).toContain('HOME=(unset)');
    const fed = await one('cat', [], { input: 'fed\nthrough stdin\n' });
    expect(successOf(fed).stdout).toBe('fed\nthrough stdin');
    const shell = await one('echo $((6 * 7)) | tr 4 X', [], { shell: true });
    expect(successOf(shell)).toMatchObject({ stdout: 'X2', command: 'echo $((6 * 7)) | tr 4 X' });
    const missingDir = await one(node, ['-v'], { cwd: '/isolane/no/such/dir' });
    expect(failureOf(missingDir)).toMatchObject({ kind: 'crashed', name: 'SpawnError' });
  }, 60_000);
});
