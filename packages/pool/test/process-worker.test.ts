/**
 * The process runtime (`runtime: 'process'`): what only a worker process survives — a native crash
 * (SIGSEGV), `process.abort()`, a closed fd 1 — fails only its own slot, and the pool goes on with a
 * replacement process; what a process has of its own (cwd, title, environment, Node flags, output) is
 * per worker and never the host's; a timeout kills the child.
 */
import { fstatSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { moduleTaskSpec, type Result, shutdown, WaitGroup } from '@isolane/core';
import { childPids, eventually, isAlive } from '@isolane/core/testing';
import { PoolDriver, type PoolDriverOptions } from '@isolane/pool';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as t from './fixtures/process-tasks.js';

const drivers: PoolDriver[] = [];
function pool(options: PoolDriverOptions = {}): PoolDriver {
  const driver = new PoolDriver({ runtime: 'process', concurrency: 2, ...options });
  drivers.push(driver);
  return driver;
}

afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
  // No orphans: every worker process of the closed pools is gone.
  expect(await eventually(() => childPids().length === 0, 20_000), `left: ${childPids().join(', ')}`).toBe(
    true,
  );
});

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'isolane-pool-proc-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(driver: PoolDriver, task: (...args: never[]) => unknown, args: unknown[], timeout?: number) {
  const spec = moduleTaskSpec(task);
  if (!spec) throw new Error('not a module task');
  return new Promise<Result<unknown>>((settle) =>
    driver.start({ task: spec, args, ...(timeout !== undefined ? { timeout } : {}) }, { settle, stray() {} }),
  );
}

function value<T>(r: Result<unknown>): T {
  if (!r.ok) throw new Error(`expected a value, got ${r.error.kind}: ${r.error.message}`);
  return r.value as T;
}

interface Who {
  pid: number;
  cwd: string;
  title: string;
  value: string | null;
}

describe('pool driver, process runtime: native crashes fail only their slot', () => {
  const crashes = [
    { what: 'a SIGSEGV', task: t.segfault, signal: 'SIGSEGV' },
    { what: 'process.abort()', task: t.abort, signal: 'SIGABRT' },
    { what: 'a SIGKILL', task: t.killed, signal: 'SIGKILL' },
  ];
  for (const { what, task, signal } of crashes) {
    it(`${what}: the slot is crashed with ${signal}; a sibling and the queued tasks succeed on a new process`, async () => {
      const driver = pool({ stdio: 'ignore' }); // the crash report on stderr is kept (for the message), not shown
      const first = value<Who>(await run(driver, t.whoAmI, []));
      const sibling = run(driver, t.sleepThen, [300, 'sibling']);
      const crash = run(driver, task, []);
      const log = join(dir, `runs-${signal}.log`);
      writeFileSync(log, '');
      const queued = [1, 2, 3, 4].map((i) => run(driver, t.logRun, [log, i]));
      const r = await crash;
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.kind).toBe('crashed');
        expect(r.error.signal).toBe(signal);
        expect(r.error.message).toContain(signal);
      }
      expect(value(await sibling)).toBe('sibling');
      expect(await Promise.all(queued.map(async (q) => value(await q)))).toEqual([1, 2, 3, 4]);
      // The tasks queued behind the crash ran once each, never twice.
      expect(readFileSync(log, 'utf8').split('\n').filter(Boolean).sort()).toEqual(['1', '2', '3', '4']);
      // The host lives on, and the pool serves from processes that are not the host.
      const after = value<Who>(await run(driver, t.whoAmI, []));
      expect(after.pid).not.toBe(process.pid);
      expect(first.pid).not.toBe(process.pid);
      expect(driver.threads).toBeLessThanOrEqual(2);
    }, 60_000);
  }

  it("closing fd 1 fails the task with EBADF in its own process; the host's stdout stays open", async () => {
    const driver = pool({ concurrency: 1, stdio: 'ignore' });
    const r = await run(driver, t.closeStdout, []);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.kind).toBe('threw');
      expect(r.error.code).toBe('EBADF');
    }
    expect(() => fstatSync(1)).not.toThrow();
    expect(value<Who>(await run(driver, t.whoAmI, [])).pid).not.toBe(process.pid);
  }, 60_000);
});

describe('pool driver, process runtime: the thread pool’s attribution holds', () => {
  it('process.exit in a pipelined batch fails only its slot; the jobs queued behind it run exactly once', async () => {
    const driver = pool({ concurrency: 1 });
    const log = join(dir, 'batch.log');
    writeFileSync(log, '');
    const jobs = Array.from({ length: 40 }, (_, i) =>
      i === 15 ? run(driver, t.exitNow, [3]) : run(driver, t.logRun, [log, i]),
    );
    const results = await Promise.all(jobs);
    results.forEach((r, i) => {
      if (i === 15) expect(r).toMatchObject({ ok: false, error: { kind: 'crashed', exitCode: 3 } });
      else expect(value(r)).toBe(i);
    });
    const runs = readFileSync(log, 'utf8').split('\n').filter(Boolean).map(Number);
    expect(runs.sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i).filter((i) => i !== 15),
    );
  }, 60_000);

  it('process.exit from a timer a returned task left behind: that task gets it as a late error', async () => {
    const driver = pool({ concurrency: 1 });
    await run(driver, t.whoAmI, []);
    const strays: { kind: string; exitCode?: number }[] = [];
    const spec = moduleTaskSpec(t.lateExit)!;
    const culprit = new Promise<Result<unknown>>((settle) =>
      driver.start({ task: spec, args: [100, 7] }, { settle, stray: (f) => strays.push(f) }),
    );
    const running = run(driver, t.sleepThen, [1_000, 'late']);
    const after = run(driver, t.sleepThen, [1, 'after']);
    expect(value(await culprit)).toBe('returned');
    const r = await running;
    expect(r.ok ? 'ok' : r.error.message).toMatch(/another task left behind called process\.exit\(7\)/);
    expect(value(await after)).toBe('after');
    expect(await eventually(() => strays.length > 0, 10_000)).toBe(true);
    expect(strays[0]).toMatchObject({ kind: 'crashed', exitCode: 7 });
  }, 60_000);

  it('a task’s own process.send cannot pass for an answer (packets carry a key the task never sees)', async () => {
    const driver = pool({ concurrency: 1 });
    const forger = run(driver, t.forge, [300]);
    const behind = run(driver, t.sleepThen, [1, 'behind']);
    expect(value(await forger)).toBe('real');
    expect(value(await behind)).toBe('behind');
  }, 60_000);

  it('maxHeapMb replaces a worker process whose heap grew past it, after the task', async () => {
    const driver = pool({ concurrency: 1, maxHeapMb: 40 });
    const first = value<Who>(await run(driver, t.whoAmI, [])).pid;
    expect(value(await run(driver, t.hog, [64]))).toBe(first);
    expect(value<Who>(await run(driver, t.whoAmI, [])).pid).not.toBe(first);
  }, 60_000);

  it('maxTasksPerWorker and idleTimeout replace and reap worker processes', async () => {
    const driver = pool({ concurrency: 1, maxTasksPerWorker: 2, idleTimeout: 200 });
    const pids: number[] = [];
    for (let i = 0; i < 6; i++) pids.push(value<Who>(await run(driver, t.whoAmI, [])).pid);
    expect(new Set(pids).size).toBe(3);
    expect(pids[0]).toBe(pids[1]);
    expect(pids[2]).not.toBe(pids[1]);
    expect(await eventually(() => driver.threads === 0 && childPids().length === 0, 20_000)).toBe(true);
    expect(value<Who>(await run(driver, t.whoAmI, [])).pid).not.toBe(pids[5]);
  }, 60_000);
});

describe('pool driver, process runtime: a worker has its own cwd, title and environment', () => {
  it('the cwd option sets every worker’s working directory', async () => {
    const who = value<Who>(await run(pool({ cwd: dir }), t.whoAmI, []));
    expect(who.cwd).toBe(dir);
    expect(process.cwd()).not.toBe(dir);
  }, 60_000);

  it('a worker process that cannot start (its cwd is gone) fails the waiting task as bootstrap, naming the cwd', async () => {
    const gone = mkdtempSync(join(dir, 'gone-'));
    const driver = pool({ concurrency: 1, cwd: gone });
    rmSync(gone, { recursive: true });
    const r = await run(driver, t.whoAmI, []);
    expect(r.ok ? 'ok' : r.error.kind).toBe('bootstrap');
    expect(r.ok ? '' : r.error.message).toContain(`could not be started (cwd ${gone})`);
  }, 60_000);

  it('a task may chdir, retitle and change the environment of its worker, never of the host', async () => {
    const name = `ISOLANE_PROC_TEST_${process.pid}`;
    const title = `isolane-proc-test-${process.pid}`;
    const cwd = process.cwd();
    const hostTitle = process.title;
    const driver = pool({ concurrency: 1 });
    const changed = value<Who>(await run(driver, t.makeItMine, [dir, title, name]));
    expect(changed).toMatchObject({ cwd: dir, title });
    // The next task lands on the same process (concurrency 1) and sees what its predecessor changed.
    const next = value<Who>(await run(driver, t.whoAmI, [name]));
    expect(next).toEqual({ pid: changed.pid, cwd: dir, title, value: 'set by a task' });
    expect(process.cwd()).toBe(cwd);
    expect(process.title).toBe(hostTitle);
    expect(process.env[name]).toBeUndefined();
  }, 60_000);

  it('env applies to each worker process; execArgv adds Node flags', async () => {
    const who = value<Who>(
      await run(
        pool({ env: { ISOLANE_PROC_ENV: 'given' }, execArgv: ['--title=isolane-flagged'] }),
        t.whoAmI,
        ['ISOLANE_PROC_ENV'],
      ),
    );
    expect(who).toMatchObject({ title: 'isolane-flagged', value: 'given' });
  }, 60_000);
});

describe('pool driver, process runtime: stopping', () => {
  it('a timeout counts from the task’s start and kills its process; the next task runs on a new one', async () => {
    const driver = pool({ concurrency: 1 });
    const pid = value<Who>(await run(driver, t.whoAmI, [])).pid;
    const stuck = run(driver, t.spin, [60_000], 500);
    const behind = run(driver, t.sleepThen, [1, 'behind'], 500);
    const r = await stuck;
    expect(r.ok ? 'ok' : r.error.kind).toBe('timeout');
    expect(await eventually(() => !isAlive(pid), 20_000)).toBe(true);
    expect(value(await behind)).toBe('behind');
  }, 60_000);

  it('stdio capture gives the workers’ stdout and stderr to onOutput, with their pid', async () => {
    const chunks: { stream: string; text: string; pid: number | undefined }[] = [];
    const driver = pool({ concurrency: 1, onOutput: (o) => chunks.push(o) });
    const pid = value<number>(await run(driver, t.print, ['hello']));
    const seen = () => chunks.map((c) => `${c.stream}:${c.text}`).join('');
    expect(
      await eventually(() => seen().includes('stdout:hello') && seen().includes('err:hello'), 20_000),
    ).toBe(true);
    expect(chunks.every((c) => c.pid === pid)).toBe(true);
  }, 60_000);

  it('memoryLimitMb reaches the child as its heap limit: exhausting it fails the slot as oom', async () => {
    const driver = pool({ concurrency: 1, memoryLimitMb: 32, stdio: 'ignore' });
    const r = await run(driver, t.grow, []);
    expect(r.ok ? 'ok' : r.error.kind).toBe('oom');
    expect(value<Who>(await run(driver, t.whoAmI, [])).pid).not.toBe(process.pid);
  }, 60_000);

  it("through a config file: drivers.pool.runtime 'process'", async () => {
    const file = join(dir, 'isolane.config.json');
    writeFileSync(file, JSON.stringify({ driver: 'pool', drivers: { pool: { runtime: 'process' } } }));
    const wg = new WaitGroup({ config: file, concurrency: 1 });
    try {
      wg.go(t.whoAmI, undefined);
      const [r] = await wg.wait();
      if (r === undefined) throw new Error('no result');
      const { pid } = value<Who>(r);
      expect(pid).not.toBe(process.pid);
      expect(childPids()).toContain(pid); // a worker process of this one
    } finally {
      await wg.close();
      await shutdown();
    }
  }, 60_000);

  it('through a WaitGroup: driverOptions.runtime', async () => {
    const wg = new WaitGroup({ driver: 'pool', concurrency: 1, driverOptions: { runtime: 'process' } });
    try {
      wg.go(t.whoAmI, undefined);
      const [r] = await wg.wait();
      expect(r && value<Who>(r).pid).not.toBe(process.pid);
    } finally {
      await wg.close();
      await shutdown(); // the group's driver is the process-wide shared one
    }
  }, 60_000);
});
