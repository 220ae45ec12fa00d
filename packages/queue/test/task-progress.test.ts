// Task messages through the queue (issue 18): a task's progress reports reach the caller as the job's
// progress (onProgress while it runs, the latest in wg.progress(slot)); a task message cannot travel
// through the queue, so the task that sends one fails with an error that says so (it is not left
// waiting for credits), and wg.send() to a queue slot is refused naming the driver.
import { WaitGroup } from '@isolane/core';
import { beforeAll, expect, it } from 'vitest';
import { itLeavesNoWorkerProcess, useQueueTestEnv, workerArgs } from './helpers/queue-test-env.js';
import { queueName } from './helpers/workers.js';

// Inline tasks use `taskContext` by name: the runtime provides it (an import would be a capture).
declare const taskContext: typeof import('@isolane/core').taskContext;

const queue = queueName('progress');
const env = useQueueTestEnv();

beforeAll(async () => {
  await env.startWorker(workerArgs(env.redis.url, queue, 2, ['--allow-inline']));
}, 60_000);

it("a task's progress reaches the caller while it runs, and the latest is the slot's", async () => {
  const driver = env.driver(queue, 2);
  try {
    const seen: unknown[] = [];
    const wg = new WaitGroup({ driver, timeout: 60_000, onProgress: (value) => seen.push(value) });
    const slot = wg.go(async (steps: number) => {
      const ctx = taskContext();
      for (let i = 1; i <= steps; i++) {
        ctx.progress({ step: i, of: steps });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return steps;
    }, 5);
    const [result] = await wg.wait();
    expect(result).toMatchObject({ ok: true, value: 5 });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toEqual({ step: 5, of: 5 });
    expect(wg.progress(slot)).toEqual({ step: 5, of: 5 });
    // Reports come in order (later ones may replace earlier ones still waiting to be written).
    const steps = seen.map((v) => (v as { step: number }).step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
  } finally {
    await driver.close();
  }
}, 120_000);

it('a task that sends a message fails with an error naming the queue driver; its sibling succeeds', async () => {
  const driver = env.driver(queue, 2);
  try {
    const wg = new WaitGroup({ driver, timeout: 60_000 });
    const sender = wg.go(async () => {
      const ctx = taskContext();
      for (let i = 0; i < 1_000; i++) await ctx.send(i); // past the window: it would wait for ever
      return 'sent';
    });
    const sibling = wg.go((a: number) => a + 1, 41);
    await expect(wg.send(sender, 'hello')).rejects.toThrow(/queue/);
    const results = await wg.wait();
    expect(results[sender]).toMatchObject({
      ok: false,
      error: { kind: 'threw', name: 'UnsupportedError', code: 'ISOLANE_QUEUE_NO_MESSAGES' },
    });
    if (!results[sender]!.ok)
      expect(results[sender]!.error.message).toMatch(/queue driver does not carry task messages/);
    expect(results[sibling]).toMatchObject({ ok: true, value: 42 });
  } finally {
    await driver.close();
  }
}, 120_000);

itLeavesNoWorkerProcess(env);
