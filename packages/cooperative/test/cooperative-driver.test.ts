import { closeSharedDrivers, run, shutdown, taskContext, WaitGroup } from '@isolane/core';
import { afterEach, describe, expect, it } from 'vitest';
import { CooperativeDriver } from '../src/index.js';
// @ts-expect-error: a plain JS fixture without types
import { startThenWaitForAbort, waitForAbort } from './fixtures/wait-for-abort.js';

afterEach(async () => {
  delete process.env.ISOLANE_DRIVER;
  await shutdown();
});

describe('cooperative driver', () => {
  it('is loaded lazily by name, and through ISOLANE_DRIVER', async () => {
    const wg = new WaitGroup({ driver: 'cooperative' });
    wg.go((a: number, b: number) => a + b, 2, 3);
    expect(await wg.wait()).toMatchObject([{ ok: true, value: 5 }]);
    process.env.ISOLANE_DRIVER = 'cooperative';
    expect(await run([() => process.pid])).toEqual([process.pid]);
  });

  it('fires the task’s signal on timeout so async work can stop', async () => {
    const driver = new CooperativeDriver({ concurrency: 1 });
    const seen: unknown[] = [];
    (globalThis as { __seen?: unknown[] }).__seen = seen;
    const wg = new WaitGroup({ driver, timeout: 100 });
    wg.go(waitForAbort);
    const [r] = await wg.wait();
    expect(r).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    // The task's abort listener runs on this event loop; wait for it (bounded), not for a guessed time.
    for (const deadline = Date.now() + 10_000; seen.length === 0 && Date.now() < deadline; )
      await new Promise((r) => setTimeout(r, 5));
    expect(seen).toEqual(['timeout']);
    await driver.close();
    expect(taskContext().signal.aborted).toBe(false);
  });

  it('frees the concurrency slot of a timed-out task that ignores its signal', async () => {
    const driver = new CooperativeDriver({ concurrency: 1 });
    const wg = new WaitGroup({ driver, timeout: 100 });
    wg.go(() => new Promise(() => {})); // never settles, ignores the signal
    wg.go(() => 'next');
    const [stuck, next] = await wg.wait();
    expect(stuck).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    expect(next).toMatchObject({ ok: true, value: 'next' });
    await driver.close();
  });

  it('returns snapshots: the caller never shares an object with the task', async () => {
    const driver = new CooperativeDriver({ concurrency: 2 });
    const shared = { n: 1 };
    (globalThis as { __shared?: unknown }).__shared = shared;
    const wg = new WaitGroup({ driver, globals: ['__shared'] });
    wg.go(() => __shared);
    const [r] = await wg.wait();
    expect(r?.ok && r.value).toEqual({ n: 1 });
    expect(r?.ok && r.value).not.toBe(shared);
    await driver.close();
  });

  it('close() settles running and queued jobs as closed, and fires the running tasks’ signals', async () => {
    const driver = new CooperativeDriver({ concurrency: 2 });
    const seen: unknown[] = [];
    (globalThis as { __seen?: unknown[] }).__seen = seen;
    const wg = new WaitGroup({ driver });
    const started = globalThis as { __started?: number };
    started.__started = 0;
    wg.go(startThenWaitForAbort);
    wg.go(startThenWaitForAbort);
    wg.go(startThenWaitForAbort);
    wg.go(() => 'queued');
    // Close once both running tasks have started (a bounded wait for the event, not a guessed time).
    for (const deadline = Date.now() + 10_000; (started.__started ?? 0) < 2 && Date.now() < deadline; )
      await new Promise((r) => setTimeout(r, 5));
    expect(started.__started).toBe(2);
    await driver.close();
    const results = await wg.wait();
    expect(results).toHaveLength(4);
    for (const r of results) {
      expect(r).toMatchObject({
        ok: false,
        error: { kind: 'aborted', message: 'the cooperative driver was closed' },
      });
    }
    for (const deadline = Date.now() + 10_000; seen.length < 2 && Date.now() < deadline; )
      await new Promise((r) => setTimeout(r, 5));
    expect(seen).toEqual(['aborted', 'aborted']);
  });

  it('closeSharedDrivers() settles every slot of a group on the shared cooperative driver', async () => {
    const wg = new WaitGroup({ driver: 'cooperative', concurrency: 1 });
    wg.go(() => new Promise(() => {})); // running, never settles by itself
    wg.go(() => 'queued');
    await closeSharedDrivers();
    const results = await wg.wait();
    expect(results.map((r) => !r.ok && r.error.kind)).toEqual(['aborted', 'aborted']);
  });

  it('settles queued jobs as aborted after close()', async () => {
    const driver = new CooperativeDriver({ concurrency: 1 });
    await driver.close();
    const wg = new WaitGroup({ driver });
    wg.go(() => 1);
    expect(await wg.wait()).toMatchObject([{ ok: false, error: { kind: 'aborted' } }]);
  });
});

declare const __shared: unknown;

describe('cooperative driver options', () => {
  it('names a bad concurrency and refuses driver-specific options it does not have', () => {
    expect(() => new CooperativeDriver({ concurrency: 0 })).toThrow(
      /"concurrency" must be an integer from 1 to 4096, got 0/,
    );
    expect(() => new CooperativeDriver({ concurrency: 5000 })).toThrow(RangeError);
    expect(() => new CooperativeDriver({ concurrency: 1, options: { bogus: 1 } })).toThrow(
      /unknown driver option "bogus"/,
    );
  });
});
