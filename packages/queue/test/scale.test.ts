// 10,000 tasks through 4 isolane-worker processes on a private Redis: every result present, correct and
// in go() order, within a generous bound.
import { WaitGroup } from '@isolane/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { QueueDriver } from '../src/index.js';
import { type PrivateRedis, startRedis } from './helpers/redis-server.js';
import { fixtureTasks } from './helpers/tasks.js';
import { noMarkedLeft, queueName, REPO_ROOT, startWorker, type TestWorker } from './helpers/workers.js';

let redis: PrivateRedis;
const workers: TestWorker[] = [];
const queue = queueName('scale');
const t = await fixtureTasks();

beforeAll(async () => {
  redis = await startRedis();
  const args = ['--redis', redis.url, '--queue', queue, '--root', REPO_ROOT, '--concurrency', '8'];
  workers.push(...(await Promise.all([0, 1, 2, 3].map(() => startWorker(args)))));
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await redis?.dispose();
}, 60_000);

it('10,000 tasks through 4 workers: every result present and correct, in go() order', async () => {
  const n = 10_000;
  const driver = new QueueDriver({
    concurrency: 64,
    options: { connection: redis.url, queueName: queue, root: REPO_ROOT },
  });
  const wg = new WaitGroup({ driver });
  const began = performance.now();
  for (let i = 0; i < n; i++) wg.go(t.add, i, 7);
  const results = await wg.wait();
  const seconds = (performance.now() - began) / 1000;
  expect(results).toHaveLength(n);
  const wrong = results.flatMap((r, i) => (r.ok && r.value === i + 7 ? [] : [{ i, r }]));
  expect(wrong.slice(0, 3)).toEqual([]);
  // Generous: a loaded 2-core machine does this in well under a minute.
  expect(seconds).toBeLessThan(90);
  console.log(`10,000 tasks through 4 workers: ${seconds.toFixed(1)} s (${Math.round(n / seconds)} tasks/s)`);
  await driver.close();
}, 180_000);

it('no worker process (or anything a worker started) is left', async () => {
  await Promise.all(workers.map((w) => w.stop()));
  expect(await noMarkedLeft()).toEqual([]);
}, 60_000);
