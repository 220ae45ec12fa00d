// `driver: 'queue'` by name: core loads @isolane/queue lazily and passes `driverOptions` (or the config
// file's drivers.queue) as the driver's options.
import { closeSharedDrivers, WaitGroup } from '@isolane/core';
import { expect, it } from 'vitest';
import { useQueueTestEnv } from './helpers/queue-test-env.js';
import { fixtureTasks } from './helpers/tasks.js';
import { noMarkedLeft, queueName, REPO_ROOT } from './helpers/workers.js';

const queue = queueName('by-name');
const env = useQueueTestEnv({ queue, concurrency: 2 });
const t = await fixtureTasks();

it("driver: 'queue' loads @isolane/queue by name and runs a task on a worker", async () => {
  const wg = new WaitGroup({
    driver: 'queue',
    concurrency: 2,
    config: false,
    driverOptions: { connection: env.redis.url, queueName: queue, root: REPO_ROOT },
  });
  wg.go(t.add, 40, 2);
  const [r] = await wg.wait();
  expect(r).toMatchObject({ ok: true, value: 42 });
  await wg.close();
  await closeSharedDrivers();
  await env.stopWorkers();
  expect(await noMarkedLeft()).toEqual([]);
}, 60_000);
