/**
 * The process runtime leaves no process behind: after close() no worker process remains, and worker
 * processes die with their parent even when it is killed with SIGKILL while their tasks are stuck in
 * synchronous code (the kernel's parent-death signal through setpriv, or the watchdog thread). Worker
 * processes are counted by a unique marker in their title (`execArgv: ['--title=…']`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { moduleTaskSpec } from '@isolane/core';
import { eventually } from '@isolane/core/testing';
import { PoolDriver } from '@isolane/pool';
import { afterEach, describe, expect, it } from 'vitest';
import * as t from './fixtures/process-tasks.js';

/** Pids of the processes whose command line (their title) contains `marker`. */
function marked(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) pids.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return pids;
}

const spawned: ChildProcess[] = [];
afterEach(() => {
  for (const child of spawned.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe.skipIf(process.platform !== 'linux')('pool driver, process runtime: no orphans', () => {
  it('after close() no worker process remains', async () => {
    const marker = `isolane-pool-close-${process.pid}-${Date.now()}`;
    const driver = new PoolDriver({ runtime: 'process', concurrency: 2, execArgv: [`--title=${marker}`] });
    const spec = moduleTaskSpec(t.sleepThen)!;
    const run = (ms: number) =>
      new Promise((settle) => driver.start({ task: spec, args: [ms, ms] }, { settle, stray() {} }));
    await Promise.all([run(50), run(50), run(50)]);
    expect(marked(marker).length).toBe(2);
    const pending = run(60_000); // still running at close(): settled as aborted, its process killed
    await driver.close();
    expect(await pending).toMatchObject({ ok: false, error: { kind: 'aborted' } });
    expect(marked(marker)).toEqual([]);
  }, 60_000);

  const guards = [
    { env: {}, what: 'setpriv --pdeathsig where available' },
    { env: { ISOLANE_FORK_PDEATHSIG: '0' }, what: 'the watchdog thread' },
  ];
  for (const { env, what } of guards) {
    it(`worker processes stuck in synchronous code die when their parent is SIGKILLed (${what})`, async () => {
      const marker = `isolane-pool-orphan-${process.pid}-${Date.now()}`;
      const parent = spawn(
        process.execPath,
        [fileURLToPath(new URL('./fixtures/process-parent.js', import.meta.url)), marker],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
      );
      spawned.push(parent);
      let out = '';
      parent.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
      });
      parent.stderr?.on('data', (d: Buffer) => {
        out += d.toString();
      });
      const spinning = () => out.match(/SPINNING \d+/g)?.length ?? 0;
      expect(await eventually(() => spinning() === 2, 30_000), out).toBe(true);
      // The parent's own command line names the marker too.
      const workers = marked(marker).filter((pid) => pid !== parent.pid);
      expect(workers.length).toBe(2);
      parent.kill('SIGKILL');
      const gone = await eventually(() => marked(marker).length === 0, 10_000);
      for (const pid of marked(marker)) if (pid !== parent.pid) process.kill(pid, 'SIGKILL');
      expect(gone, `worker processes alive 10 s after their parent's death: ${workers.join(', ')}`).toBe(
        true,
      );
    }, 60_000);
  }
});
