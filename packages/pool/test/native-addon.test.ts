/**
 * A native addon (better-sqlite3, which the project already builds for apps/shard-report) loads and runs
 * a query inside a task under the pool's process runtime; a native crash after loading it fails only
 * its slot, the worker is replaced and the next task loads the addon again. Worker processes are
 * counted by a unique marker in their title (`execArgv: ['--title=…']`): none is left after close().
 */
import { readdirSync, readFileSync } from 'node:fs';
import { type Result, WaitGroup } from '@isolane/core';
import { eventually } from '@isolane/core/testing';
import { PoolDriver } from '@isolane/pool';
import { describe, expect, it } from 'vitest';
import { sqliteSum, sqliteThenSegfault } from './fixtures/native-addon-tasks.js';

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

interface SumResult {
  readonly pid: number;
  readonly count: number;
  readonly total: number;
  readonly version: string;
}

/** The value of a settled slot that must have succeeded (its failure in the message otherwise). */
function sum(r: Result<unknown> | undefined): SumResult {
  if (!r?.ok) throw new Error(`the task failed: ${JSON.stringify(r)}`);
  return r.value as SumResult;
}

describe.skipIf(process.platform !== 'linux')('a native addon under the pool', () => {
  it("better-sqlite3 loads and answers a query inside tasks of runtime 'process'", async () => {
    const marker = `isolane-pool-addon-${process.pid}-${Date.now()}`;
    const driver = new PoolDriver({ runtime: 'process', concurrency: 2, execArgv: [`--title=${marker}`] });
    const wg = new WaitGroup({ driver });
    try {
      for (const rows of [10, 100, 1_000, 5]) wg.go(sqliteSum, rows);
      const results = await wg.wait();
      for (const [i, rows] of [10, 100, 1_000, 5].entries()) {
        const value = sum(results[i]);
        expect(value).toMatchObject({ count: rows, total: (rows * (rows + 1)) / 2 });
        expect(value.version).toMatch(/^3\.\d+\.\d+$/);
        expect(value.pid).not.toBe(process.pid);
      }
      const workers = marked(marker);
      expect(workers.length).toBe(2);
      for (const r of results) expect(workers).toContain(sum(r).pid);
    } finally {
      await wg.close();
      await driver.close();
    }
    expect(await eventually(() => marked(marker).length === 0, 10_000)).toBe(true);
  }, 60_000);

  it('a native crash after loading the addon fails only its slot; the replacement loads it again', async () => {
    const marker = `isolane-pool-addon-crash-${process.pid}-${Date.now()}`;
    const driver = new PoolDriver({ runtime: 'process', concurrency: 2, execArgv: [`--title=${marker}`] });
    const wg = new WaitGroup({ driver });
    try {
      wg.go(sqliteSum, 3);
      wg.go(sqliteThenSegfault);
      wg.go(sqliteSum, 4);
      const [before, crash, sibling] = await wg.wait();
      expect(before).toMatchObject({ ok: true, value: { count: 3, total: 6 } });
      expect(crash).toMatchObject({ ok: false, error: { kind: 'crashed', signal: 'SIGSEGV' } });
      expect(sibling).toMatchObject({ ok: true, value: { count: 4, total: 10 } });
      // Two more tasks after the crash: both answered, by live workers only.
      const after = new WaitGroup({ driver });
      after.go(sqliteSum, 7);
      after.go(sqliteSum, 8);
      const again = await after.wait();
      expect(again.map((r) => sum(r).total)).toEqual([28, 36]);
      // The crashed worker was replaced: two workers again, every answer from one of them.
      const workers = marked(marker);
      expect(workers.length).toBe(2);
      for (const r of again) expect(workers).toContain(sum(r).pid);
    } finally {
      await wg.close();
      await driver.close();
    }
    expect(await eventually(() => marked(marker).length === 0, 10_000)).toBe(true);
  }, 60_000);

  it('under worker threads better-sqlite3 loads too (it is context-aware), in this process', async () => {
    const driver = new PoolDriver({ concurrency: 2 });
    const wg = new WaitGroup({ driver });
    try {
      wg.go(sqliteSum, 10);
      wg.go(sqliteSum, 20);
      const results = await wg.wait();
      expect(results.map((r) => sum(r).total)).toEqual([55, 210]);
      // A thread is part of this process: a native crash there would be this process's crash.
      for (const r of results) expect(sum(r).pid).toBe(process.pid);
    } finally {
      await wg.close();
      await driver.close();
    }
  }, 60_000);
});
