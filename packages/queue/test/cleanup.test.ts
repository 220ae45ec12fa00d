// Cleanup: a settled job leaves Redis once its outcome is read (finished jobs in batches, by one script
// call each; anything else the general way), and only then: every value is read first.
import { WaitGroup } from '@isolane/core';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { REMOVE_BATCH, removeFinished } from '../src/remove-finished.js';
import { itLeavesNoWorkerProcess, useQueueTestEnv } from './helpers/queue-test-env.js';
import { fixtureTasks } from './helpers/tasks.js';
import { queueName } from './helpers/workers.js';

const queue = queueName('cleanup');
const env = useQueueTestEnv({ queue, concurrency: 4, count: 2 });
const t = await fixtureTasks();

/** Job hashes (and their logs) of `name` left in Redis. */
async function jobKeys(client: Redis, name: string): Promise<string[]> {
  const keys = await client.keys(`bull:${name}:*`);
  return keys.filter((k) => /^bull:[^:]+:\d+(:logs)?$/.test(k));
}

it('a settled group leaves no job in Redis, after every value was read', async () => {
  const driver = env.driver(queue, 64);
  const client = new Redis(env.redis.url);
  const q = new Queue(queue, { connection: { host: '127.0.0.1', port: env.redis.port } });
  try {
    const wg = new WaitGroup({ driver, timeout: 0 });
    for (let i = 0; i < REMOVE_BATCH + 100; i++) wg.go(t.add, i, 1);
    const results = await wg.wait();
    expect(results.map((r) => (r.ok ? r.value : r.error.message))).toEqual(
      Array.from({ length: REMOVE_BATCH + 100 }, (_, i) => i + 1),
    );
    const deadline = Date.now() + 30_000;
    let left = await jobKeys(client, queue);
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      left = await jobKeys(client, queue);
    }
    expect(left).toEqual([]);
    expect(await q.getJobCounts('completed', 'failed', 'wait', 'active')).toEqual({
      completed: 0,
      failed: 0,
      wait: 0,
      active: 0,
    });
  } finally {
    await driver.close();
    await q.close();
    client.disconnect();
  }
}, 120_000);

it('the batch script removes finished jobs only; a waiting or unknown job is handed back untouched', async () => {
  const name = queueName('cleanup-script');
  const connection = { host: '127.0.0.1', port: env.redis.port };
  const q = new Queue(name, { connection });
  const client = new Redis(env.redis.url);
  let worker: Worker | undefined;
  try {
    const done = await q.add('x', { n: 1 });
    const failed = await q.add('x', { n: 2 });
    // One BullMQ worker finishes both (one completed, one failed), then stops taking jobs.
    let finished = 0;
    const bothFinished = new Promise<void>((resolve) => {
      const count = () => {
        finished++;
        if (finished === 2) resolve();
      };
      worker = new Worker(
        name,
        async (job) => {
          if (job.data.n === 2) throw new Error('failed on purpose');
          return 'ok';
        },
        { connection: { ...connection, maxRetriesPerRequest: null } },
      );
      worker.on('completed', count);
      worker.on('failed', count);
    });
    await bothFinished;
    await worker?.close();
    const waiting = await q.add('x', { n: 3 });
    const ids = [String(done.id), String(failed.id), String(waiting.id), '999999'];
    const missed = await removeFinished(client, q.toKey(''), ids);
    expect(missed).toEqual([String(waiting.id), '999999']);
    expect(await client.exists(q.toKey(String(done.id)), q.toKey(String(failed.id)))).toBe(0);
    expect(await q.getJobCounts('completed', 'failed', 'wait')).toEqual({ completed: 0, failed: 0, wait: 1 });
    expect(await q.getJob(String(waiting.id))).toMatchObject({ data: { n: 3 } });
  } finally {
    await worker?.close();
    await q.obliterate({ force: true }).catch(() => {});
    await q.close();
    client.disconnect();
  }
}, 60_000);

itLeavesNoWorkerProcess(env);
