// Task progress through the queue (issue 18): a task's progress reports reach the caller as the job's
// progress (onProgress while it runs, the latest in wg.progress(slot)). Messages: task-messages.test.ts.
import { PROGRESS_WINDOW, WaitGroup } from '@isolane/core';
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

it('progress stays live past the progress window: the worker acknowledges each report it wrote', async () => {
  const driver = env.driver(queue, 2);
  try {
    const seen: unknown[] = [];
    const wg = new WaitGroup({ driver, timeout: 60_000, onProgress: (value) => seen.push(value) });
    const steps = 30;
    wg.go(async (n: number) => {
      const ctx = taskContext();
      for (let i = 1; i <= n; i++) {
        ctx.progress(i);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return n;
    }, steps);
    const [result] = await wg.wait();
    expect(result).toMatchObject({ ok: true, value: steps });
    // Unacknowledged, the task would post PROGRESS_WINDOW reports, then only its last one at the end.
    expect(seen.length).toBeGreaterThan(PROGRESS_WINDOW + 1);
    expect(seen.at(-1)).toBe(steps);
  } finally {
    await driver.close();
  }
}, 120_000);

itLeavesNoWorkerProcess(env);
