// 10,000 tasks through 4 isolane-worker processes on a private Redis: every result present, correct and
// in go() order, within a generous bound.
import { WaitGroup } from '@isolane/core';
import { expect, it } from 'vitest';
import { itLeavesNoWorkerProcess, useQueueTestEnv } from './helpers/queue-test-env.js';
import { fixtureTasks } from './helpers/tasks.js';
import { queueName } from './helpers/workers.js';

const queue = queueName('scale');
const env = useQueueTestEnv({ queue, concurrency: 8, count: 4 }, 120_000);
const t = await fixtureTasks();

it('10,000 tasks through 4 workers: every result present and correct, in go() order', async () => {
  const n = 10_000;
  const driver = env.driver(queue, 64);
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

itLeavesNoWorkerProcess(env);
