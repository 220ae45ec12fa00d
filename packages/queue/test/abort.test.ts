// Abort on a queue: a job still waiting in Redis is removed (it never runs), a running one is cancelled
// on its worker (the worker is free again at once, and the job is cleaned up), and both slots settle as
// aborted. Closing the driver stops its running jobs the same way.
import { WaitGroup } from '@isolane/core';
import { Queue } from 'bullmq';
import { expect, it } from 'vitest';
import { itLeavesNoWorkerProcess, useQueueTestEnv } from './helpers/queue-test-env.js';
import { fixtureTasks } from './helpers/tasks.js';
import { queueName } from './helpers/workers.js';

const queue = queueName('abort');
const env = useQueueTestEnv({ queue, concurrency: 1 });
const t = await fixtureTasks();

async function until(probe: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('wg.abort(): the waiting job is removed from Redis, the running one is cancelled on its worker', async () => {
  const q = new Queue(queue, { connection: { host: '127.0.0.1', port: env.redis.port } });
  const driver = env.driver(queue, 4);
  try {
    const wg = new WaitGroup({ driver });
    wg.go(t.sleepThen, 60_000, 'running');
    wg.go(t.sleepThen, 60_000, 'waiting');
    await until(
      async () => (await q.getActiveCount()) === 1 && (await q.getWaitingCount()) === 1,
      30_000,
      'one active and one waiting job',
    );
    const [active] = await q.getActive();
    const [waiting] = await q.getWaiting();
    wg.abort('stop now');
    const results = await wg.wait();
    for (const r of results) {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.kind).toBe('aborted');
        expect(r.error.message).toMatch(/stop now/);
      }
    }
    // The waiting job never runs: it is gone from Redis.
    await until(
      async () => (await q.getJob(String(waiting?.id))) === undefined,
      10_000,
      'the waiting job to be removed',
    );
    // The running one was stopped on the worker (not after its 60 s) and cleaned up there.
    await until(
      async () => (await q.getJob(String(active?.id))) === undefined,
      20_000,
      'the cancelled job to be cleaned up',
    );
    // The worker's only slot is free again: a new task runs at once.
    const again = new WaitGroup({ driver });
    again.go(t.add, 2, 3);
    const began = performance.now();
    expect((await again.wait())[0]).toMatchObject({ ok: true, value: 5 });
    expect(performance.now() - began).toBeLessThan(20_000);
  } finally {
    await driver.close();
    await q.close();
  }
}, 90_000);

it('driver.close(): the running job is cancelled on its worker, not run to its end', async () => {
  const q = new Queue(queue, { connection: { host: '127.0.0.1', port: env.redis.port } });
  const driver = env.driver(queue, 4);
  try {
    const wg = new WaitGroup({ driver });
    wg.go(t.sleepThen, 60_000, 'running');
    await until(async () => (await q.getActiveCount()) === 1, 30_000, 'the job to start');
    const [active] = await q.getActive();
    // close() aborts its slots and drops its connections in the same turn: the cancel must go first.
    await driver.close();
    const [r] = await wg.wait();
    expect(r?.ok).toBe(false);
    // The worker stops the job (not after its 60 s) and cleans it up.
    await until(
      async () => (await q.getJob(String(active?.id))) === undefined,
      20_000,
      'the cancelled job to be cleaned up',
    );
    expect(await q.getActiveCount()).toBe(0);
  } finally {
    await driver.close();
    await q.close();
  }
}, 90_000);

itLeavesNoWorkerProcess(env);
