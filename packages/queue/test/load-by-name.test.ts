// `driver: 'queue'` by name: core loads @isolane/queue lazily and passes `driverOptions` (or the config
// file's drivers.queue) as the driver's options.
import { closeSharedDrivers, WaitGroup } from '@isolane/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type PrivateRedis, startRedis } from './helpers/redis-server.js';
import { fixtureTasks } from './helpers/tasks.js';
import { noMarkedLeft, queueName, REPO_ROOT, startWorker, type TestWorker } from './helpers/workers.js';

let redis: PrivateRedis;
let worker: TestWorker;
const queue = queueName('by-name');
const t = await fixtureTasks();

beforeAll(async () => {
  redis = await startRedis();
  worker = await startWorker([
    '--redis',
    redis.url,
    '--queue',
    queue,
    '--root',
    REPO_ROOT,
    '--concurrency',
    '2',
  ]);
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await redis?.dispose();
}, 60_000);

it("driver: 'queue' loads @isolane/queue by name and runs a task on a worker", async () => {
  const wg = new WaitGroup({
    driver: 'queue',
    concurrency: 2,
    config: false,
    driverOptions: { connection: redis.url, queueName: queue, root: REPO_ROOT },
  });
  wg.go(t.add, 40, 2);
  const [r] = await wg.wait();
  expect(r).toMatchObject({ ok: true, value: 42 });
  await wg.close();
  await closeSharedDrivers();
  await worker.stop();
  expect(await noMarkedLeft()).toEqual([]);
}, 60_000);
