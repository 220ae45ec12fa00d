// Faults with real processes: a worker SIGKILLed mid-job (its slots crashed, or retried with attempts),
// Redis restarted mid-run (every slot settles), Redis unreachable or gone (crashed naming the connection
// after connectTimeout). Verdicts wait for the events, bounded by generous deadlines.
import { fileURLToPath } from 'node:url';
import type { Result } from '@isolane/core';
import { WaitGroup } from '@isolane/core';
import { runNode } from '@isolane/core/testing';
import { describe, expect, it } from 'vitest';
import { QueueDriver, type QueueDriverOptions } from '../src/index.js';
import {
  itLeavesNoWorkerProcess,
  untilActiveJobs,
  useQueueTestEnv,
  workerArgs,
} from './helpers/queue-test-env.js';
import { freePort, startRedis } from './helpers/redis-server.js';
import { fixtureTasks } from './helpers/tasks.js';
import { queueName, REPO_ROOT, type TestWorker } from './helpers/workers.js';

const env = useQueueTestEnv();
const t = await fixtureTasks();

// Fast stall detection for the tests: a silent worker's lock expires after 4 s; checks every second.
const LOCK_MS = 4_000;
const STALL_CHECK_MS = 1_000;

/** A worker on the file's Redis with the fast stall detection above. */
function worker(queue: string): Promise<TestWorker> {
  return env.startWorker(
    workerArgs(env.redis.url, queue, 2, [
      '--lock-duration',
      String(LOCK_MS),
      '--stalled-interval',
      String(STALL_CHECK_MS),
    ]),
  );
}

function driver(queue: string, extra: QueueDriverOptions = {}, concurrency = 8): QueueDriver {
  return env.driver(queue, concurrency, extra);
}

/** Waits until `n` jobs of the queue are active (running on a worker). */
function activeJobs(queue: string, n: number): Promise<void> {
  return untilActiveJobs(env.redis.port, queue, n);
}

describe('a worker SIGKILLed mid-job', () => {
  it('its slots fail as crashed (stalled) within the lock bound; siblings on another worker succeed', async () => {
    const queue = queueName('kill');
    const victim = await worker(queue);
    const d = driver(queue);
    const wg = new WaitGroup({ driver: d });
    wg.go(t.sleepThen, 60_000, 'never');
    wg.go(t.sleepThen, 60_000, 'never');
    await activeJobs(queue, 2);
    await worker(queue);
    const killedAt = performance.now();
    victim.child.kill('SIGKILL');
    for (let i = 0; i < 6; i++) wg.go(t.add, i, 10);
    const results = await wg.wait();
    const settledAfter = performance.now() - killedAt;
    for (const r of results.slice(0, 2)) {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.kind).toBe('crashed');
        expect(r.error.code).toBe('ISOLANE_JOB_STALLED');
      }
    }
    expect(results.slice(2).map((r) => (r.ok ? r.value : r.error))).toEqual([10, 11, 12, 13, 14, 15]);
    // The documented bound: lockDuration + stalledInterval, plus slack for a busy machine.
    expect(settledAfter).toBeLessThan(LOCK_MS + STALL_CHECK_MS + 15_000);
    expect(await victim.exited).toMatchObject({ signal: 'SIGKILL' });
    await d.close();
  }, 120_000);

  it('with no live worker left, the producer notices the expired lock itself: crashed, nothing hangs', async () => {
    const queue = queueName('last');
    const victim = await worker(queue);
    const d = driver(queue);
    const wg = new WaitGroup({ driver: d });
    wg.go(t.sleepThen, 60_000, 'never');
    await activeJobs(queue, 1);
    const killedAt = performance.now();
    victim.child.kill('SIGKILL');
    const [r] = await wg.wait();
    expect(r?.ok).toBe(false);
    if (r && !r.ok) expect(r.error).toMatchObject({ kind: 'crashed', code: 'ISOLANE_JOB_STALLED' });
    // Lock expiry, then two sweeps (1 s apart by default), plus slack for a busy machine.
    expect(performance.now() - killedAt).toBeLessThan(LOCK_MS + 2_000 + 15_000);
    await d.close();
  }, 120_000);

  it('a task running longer than the lock duration on a live worker is never taken for stalled', async () => {
    const queue = queueName('long');
    await worker(queue);
    // Sweeps every 200 ms: dozens of lock checks while the task runs past two lock durations.
    const d = driver(queue, { sweepMs: 200 });
    const wg = new WaitGroup({ driver: d });
    wg.go(t.sleepThen, 2 * LOCK_MS + 1_000, 'still mine');
    expect((await wg.wait())[0]).toMatchObject({ ok: true, value: 'still mine' });
    await d.close();
  }, 120_000);

  it('with attempts: 2 the stalled task runs again on a live worker and succeeds', async () => {
    const queue = queueName('retry');
    const victim = await worker(queue);
    const d = driver(queue, { attempts: 2 });
    const wg = new WaitGroup({ driver: d });
    wg.go(t.sleepThen, 8_000, 'second run');
    await activeJobs(queue, 1);
    await worker(queue);
    victim.child.kill('SIGKILL');
    const [r] = await wg.wait();
    expect(r).toMatchObject({ ok: true, value: 'second run' });
    await d.close();
  }, 120_000);

  it('a long task never holds short jobs back from a free worker (a worker takes no more jobs than its slots); killed, only its own job is crashed', async () => {
    const queue = queueName('held');
    const victim = await env.startWorker(
      workerArgs(env.redis.url, queue, 1, [
        '--lock-duration',
        String(LOCK_MS),
        '--stalled-interval',
        String(STALL_CHECK_MS),
      ]),
    );
    const d = driver(queue);
    // Short tasks first: before bundles, a worker fetched jobs ahead of its slots while tasks were short,
    // and held them behind a long one.
    const warm = new WaitGroup({ driver: d });
    for (let i = 0; i < 60; i++) warm.go(t.add, i, 0);
    expect((await warm.wait()).every((r) => r.ok)).toBe(true);
    const wg = new WaitGroup({ driver: d });
    wg.go(t.sleepThen, 60_000, 'never');
    await activeJobs(queue, 1);
    for (let i = 0; i < 3; i++) wg.go(t.add, i, 100);
    // The victim's one slot runs the sleep: the three short jobs wait in Redis, and a second worker runs
    // them while the sleep goes on.
    await worker(queue);
    const short: unknown[] = [];
    for await (const { result } of wg) {
      short.push(result.ok ? result.value : result.error);
      if (short.length === 3) break;
    }
    expect(short.sort()).toEqual([100, 101, 102]);
    victim.child.kill('SIGKILL');
    const results = await wg.wait();
    expect(results[0]).toMatchObject({ ok: false, error: { kind: 'crashed', code: 'ISOLANE_JOB_STALLED' } });
    expect(results.slice(1).map((r) => (r.ok ? r.value : r.error))).toEqual([100, 101, 102]);
    expect(await victim.exited).toMatchObject({ signal: 'SIGKILL' });
    await d.close();
  }, 120_000);
});

describe('Redis', () => {
  it('restarted mid-run: no hang, no lost slot (each settles with a value or crashed)', async () => {
    const queue = queueName('restart');
    await worker(queue);
    await worker(queue);
    const d = driver(queue, { connectTimeout: 20_000 }, 16);
    const wg = new WaitGroup({ driver: d });
    const n = 300;
    for (let i = 0; i < n; i++) wg.go(t.sleepThen, 20, i);
    let settled = 0;
    let restarted = false;
    const all: Result<unknown>[] = [];
    for await (const { index, result } of wg) {
      all[index] = result;
      settled++;
      if (settled === 50 && !restarted) {
        restarted = true;
        await env.redis.restart();
      }
    }
    expect(restarted).toBe(true);
    expect(all.filter(Boolean)).toHaveLength(n);
    let values = 0;
    for (const [i, r] of all.entries()) {
      if (r.ok) {
        expect(r.value).toBe(i);
        values++;
      } else expect(r.error.kind).toBe('crashed');
    }
    expect(values).toBeGreaterThan(0);
    await d.close();
  }, 180_000);

  it('unreachable: pending slots fail as crashed naming the connection after connectTimeout', async () => {
    const port = await freePort(); // nothing listens there
    const d = new QueueDriver({
      concurrency: 2,
      options: { connection: `redis://127.0.0.1:${port}`, root: REPO_ROOT, connectTimeout: 1_500 },
    });
    const wg = new WaitGroup({ driver: d });
    const began = performance.now();
    for (let i = 0; i < 5; i++) wg.go(t.add, i, 1);
    const results = await wg.wait();
    const elapsed = performance.now() - began;
    expect(results).toHaveLength(5);
    for (const r of results) {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.kind).toBe('crashed');
        expect(r.error.message).toContain(`redis://127.0.0.1:${port}`);
        expect(r.error.code).toBe('ISOLANE_REDIS_UNREACHABLE');
      }
    }
    expect(elapsed).toBeGreaterThanOrEqual(1_400);
    expect(elapsed).toBeLessThan(30_000);
    await d.close();
  }, 60_000);

  it('unreachable: a driver never closed still lets its process exit (no reconnect loop left behind)', async () => {
    const port = await freePort();
    const script = `
      const { WaitGroup } = await import('@isolane/core');
      const { createDriver } = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
      const { add } = await import(${JSON.stringify(new URL('../../core/dist/testing/fixtures/tasks.js', import.meta.url).href)});
      const driver = createDriver({ concurrency: 1, options: { connection: 'redis://127.0.0.1:${port}', root: ${JSON.stringify(REPO_ROOT)}, connectTimeout: 1000, lingerMs: 200 } });
      const wg = new WaitGroup({ driver });
      wg.go(add, 1, 1);
      const [r] = await wg.wait();
      console.log('KIND', r.ok ? 'ok' : r.error.kind);`;
    const run = await runNode(
      ['--input-type=module', '-e', script],
      fileURLToPath(new URL('..', import.meta.url)),
      30_000,
    );
    expect(run.out).toContain('KIND crashed');
    expect(run.timedOut, 'the process must exit on its own').toBe(false);
    expect(run.code).toBe(0);
  }, 60_000);

  it('lost for good mid-run: running and queued slots fail as crashed after connectTimeout', async () => {
    const own = await startRedis();
    try {
      const queue = queueName('lost');
      // Its held jobs can never report: do not wait the default 30 s for them at shutdown.
      const w = await env.startWorker(workerArgs(own.url, queue, 2, ['--shutdown-grace', '2000']));
      const d = new QueueDriver({
        concurrency: 2,
        options: { connection: own.url, queueName: queue, root: REPO_ROOT, connectTimeout: 2_000 },
      });
      const wg = new WaitGroup({ driver: d });
      for (let i = 0; i < 4; i++) wg.go(t.sleepThen, 60_000, i);
      await untilActiveJobs(own.port, queue, 2);
      await own.stop();
      const results = await wg.wait();
      for (const r of results) {
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error.message).toContain(own.url);
      }
      await d.close();
      await w.stop();
    } finally {
      await own.dispose();
    }
  }, 120_000);
});

itLeavesNoWorkerProcess(env);
