// Late errors (a timer a task left behind throws after it returned) travel on the control channel and
// may reach the producer before the job's outcome has been read: they must never take the job's own
// slot, and never be lost.
import type { TaskFailure } from '@isolane/core';
import { WaitGroup } from '@isolane/core';
import { defineTask } from '@isolane/core/task';
import { expect, it } from 'vitest';
import { itLeavesNoWorkerProcess, useQueueTestEnv } from './helpers/queue-test-env.js';
import { queueName } from './helpers/workers.js';

const queue = queueName('late');
const env = useQueueTestEnv({ queue, concurrency: 4 });
const t = (await import(new URL('../../core/dist/testing/fixtures/tasks.js', import.meta.url).href)) as {
  lateThrow(ms: number, message: string): string;
};

it('a late error that arrives before the outcome is read goes to onError; the slot keeps its value', async () => {
  const driver = env.driver(queue, 8);
  const strays: { failure: TaskFailure; slot: number }[] = [];
  const wg = new WaitGroup({ driver, onError: (failure, slot) => strays.push({ failure, slot }) });
  const n = 40;
  // 0 ms: the error is thrown (and published) right after the task returned, racing its outcome.
  for (let i = 0; i < n; i++) wg.go(t.lateThrow, 0, `late ${i}`);
  const results = await wg.wait();
  expect(results.map((r) => (r.ok ? r.value : r.error.message))).toEqual(Array(n).fill('returned'));
  // Each late error that happens reaches onError with its own slot. (Not all 40 happen: the worker's
  // local pool recycles a thread after an uncaught error, and the timers of tasks that shared it die
  // with it — the same as a local pool.)
  const deadline = Date.now() + 20_000;
  while (strays.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 1_000));
  expect(strays.length).toBeGreaterThan(0);
  for (const s of strays) expect(s.failure.message).toBe(`late ${s.slot}`);
  await driver.close();
}, 90_000);

it('a late error published while a large outcome is still being stored never takes its slot', async () => {
  const lateBig = defineTask(
    new URL('./fixtures/late-big.mjs', import.meta.url).href,
    'lateBig',
    (_mb: number, _m: string): string => '',
  );
  const driver = env.driver(queue, 4);
  const strays: { failure: TaskFailure; slot: number }[] = [];
  const wg = new WaitGroup({ driver, onError: (failure, slot) => strays.push({ failure, slot }) });
  for (let i = 0; i < 4; i++) wg.go(lateBig, 8, `late big ${i}`);
  const results = await wg.wait();
  for (const r of results) {
    expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
    if (r.ok) expect((r.value as string).length).toBe(8 * 1024 * 1024);
  }
  const deadline = Date.now() + 20_000;
  while (strays.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(strays.length).toBeGreaterThan(0);
  for (const s of strays) expect(s.failure.message).toBe(`late big ${s.slot}`);
  await driver.close();
}, 90_000);

itLeavesNoWorkerProcess(env);
