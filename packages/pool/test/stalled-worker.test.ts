/**
 * A task that returns at once but leaves a timer spinning forever must not starve the next task sent
 * to its worker: the pool notices the worker did not start its job within `lingerMs`, stops it without
 * blaming anyone, and runs the job on another worker, exactly once. Under both runtimes.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WaitGroup } from '@isolane/core';
import { eventually } from '@isolane/core/testing';
import { PoolDriver } from '@isolane/pool';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { leaveSpinner, record } from './fixtures/stall-tasks.js';

const drivers: PoolDriver[] = [];
const dirs: string[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(drivers.splice(0).map((d) => d.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe.each(['thread', 'process'] as const)('a worker stalled by a leftover spinner (%s)', (runtime) => {
  it('retires the worker without blaming anyone and runs the next job elsewhere, once', async () => {
    const warnings: string[] = [];
    vi.spyOn(process, 'emitWarning').mockImplementation((w: string | Error) => {
      warnings.push(String(w));
    });
    const dir = mkdtempSync(join(tmpdir(), 'isolane-stall-'));
    dirs.push(dir);
    const file = join(dir, 'runs.txt');
    // One worker: the innocent job can only land on the stalled worker first.
    const driver = new PoolDriver({ concurrency: 1, runtime, lingerMs: 300 });
    drivers.push(driver);
    const strays: unknown[] = [];

    const careless = new WaitGroup({ driver, onError: (f) => strays.push(f) });
    const marker = join(dir, 'spinning');
    careless.go(leaveSpinner, marker);
    const [left] = await careless.wait();
    expect(left).toMatchObject({ ok: true, value: 'returned' });
    // The worker is stuck in the timer from here on.
    expect(await eventually(() => existsSync(marker), 20_000)).toBe(true);

    // Another group, no timeout: before the fix it waited forever behind the spinning timer.
    const innocent = new WaitGroup({ driver, onError: (f) => strays.push(f) });
    innocent.go(record, file, 'innocent');
    innocent.go(record, file, 'second');
    const results = await innocent.wait();
    expect(results).toMatchObject([
      { ok: true, value: 'innocent' },
      { ok: true, value: 'second' },
    ]);
    expect(readFileSync(file, 'utf8')).toBe('innocent\nsecond\n');
    expect(strays).toEqual([]);
    expect(warnings.join('\n')).toContain('did not start its next task within 300 ms');
    // The driver keeps serving.
    const later = new WaitGroup({ driver });
    later.go(record, file, 'later');
    expect(await later.wait()).toMatchObject([{ ok: true, value: 'later' }]);
  }, 60_000);

  it('a job that starts in time is never stopped by the bound, however long it runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isolane-stall-'));
    dirs.push(dir);
    const driver = new PoolDriver({ concurrency: 1, runtime, lingerMs: 50 });
    drivers.push(driver);
    const wg = new WaitGroup({ driver });
    // Each runs longer than the bound; the ones queued behind it are not its head until it answers.
    for (let i = 0; i < 3; i++) wg.go((ms: number) => new Promise((r) => setTimeout(() => r(ms), ms)), 200);
    expect(await wg.wait()).toMatchObject([
      { ok: true, value: 200 },
      { ok: true, value: 200 },
      { ok: true, value: 200 },
    ]);
  }, 60_000);
});
