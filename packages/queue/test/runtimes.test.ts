// The worker's local drivers: --runtime fork and thread run jobs with the same containment as locally
// (process.exit fails only its slot, the worker goes on), and --bootstrap is loaded once per local
// worker before its first task when a job names no bootstrap.
import { fileURLToPath } from 'node:url';
import { WaitGroup } from '@isolane/core';
import { defineTask } from '@isolane/core/task';
import { describe, expect, it } from 'vitest';
import type { QueueDriver } from '../src/index.js';
import { itLeavesNoWorkerProcess, useQueueTestEnv, workerArgs } from './helpers/queue-test-env.js';
import { queueName } from './helpers/workers.js';

const env = useQueueTestEnv();
const fixtures = new URL('../../core/dist/testing/fixtures/', import.meta.url);
const t = (await import(new URL('tasks.js', fixtures).href)) as {
  add(a: number, b: number): number;
  exitWith(code: number): never;
  bootInfo(ms: number): { worker: string; boots: number };
};

async function serve(extra: string[]): Promise<QueueDriver> {
  const queue = queueName('runtime');
  await env.startWorker(workerArgs(env.redis.url, queue, 2, extra));
  return env.driver(queue, 2);
}

describe.each(['fork', 'thread'])('--runtime %s', (runtime) => {
  it('process.exit in a task fails only its slot (crashed, exit code 3); the worker keeps serving', async () => {
    const driver = await serve(['--runtime', runtime]);
    const wg = new WaitGroup({ driver });
    wg.go(t.exitWith, 3);
    wg.go(t.add, 1, 2);
    const [exited, sibling] = await wg.wait();
    expect(exited?.ok).toBe(false);
    if (exited && !exited.ok) expect(exited.error).toMatchObject({ kind: 'crashed', exitCode: 3 });
    expect(sibling).toMatchObject({ ok: true, value: 3 });
    const again = new WaitGroup({ driver });
    again.go(t.add, 20, 22);
    expect((await again.wait())[0]).toMatchObject({ ok: true, value: 42 });
    await driver.close();
  }, 90_000);
});

it('--bootstrap runs once per local worker, before its first task', async () => {
  const driver = await serve([
    '--runtime',
    'pool',
    '--bootstrap',
    fileURLToPath(new URL('boot-count.js', fixtures)),
  ]);
  const wg = new WaitGroup({ driver });
  for (let i = 0; i < 6; i++) wg.go(t.bootInfo, 20);
  for (const r of await wg.wait()) expect(r).toMatchObject({ ok: true, value: { boots: 1 } });
  await driver.close();
}, 90_000);

it('a worker started under tsx runs TypeScript task modules without a build step', async () => {
  const queue = queueName('tsx');
  const tsx = import.meta.resolve('tsx');
  await env.startWorker(workerArgs(env.redis.url, queue, 2), ['--import', tsx]);
  const driver = env.driver(queue, 2);
  const double = defineTask(
    new URL('./fixtures/typed.mts', import.meta.url).href,
    'double',
    (_n: number) => ({
      input: 0,
      output: 0,
    }),
  );
  const wg = new WaitGroup({ driver });
  wg.go(double, 21);
  expect((await wg.wait())[0]).toMatchObject({ ok: true, value: { input: 21, output: 42 } });
  await driver.close();
}, 90_000);

itLeavesNoWorkerProcess(env);
