// The worker's local drivers: --runtime fork and thread run jobs with the same containment as locally
// (process.exit fails only its slot, the worker goes on), and --bootstrap is loaded once per local
// worker before its first task when a job names no bootstrap.
import { fileURLToPath } from 'node:url';
import { WaitGroup } from '@isolane/core';
import { defineTask } from '@isolane/core/task';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueDriver } from '../src/index.js';
import { type PrivateRedis, startRedis } from './helpers/redis-server.js';
import { noMarkedLeft, queueName, REPO_ROOT, startWorker, type TestWorker } from './helpers/workers.js';

let redis: PrivateRedis;
const started: TestWorker[] = [];
const fixtures = new URL('../../core/dist/testing/fixtures/', import.meta.url);
const t = (await import(new URL('tasks.js', fixtures).href)) as {
  add(a: number, b: number): number;
  exitWith(code: number): never;
  bootInfo(ms: number): { worker: string; boots: number };
};

beforeAll(async () => {
  redis = await startRedis();
}, 60_000);

afterAll(async () => {
  await Promise.all(started.map((w) => w.stop()));
  await redis?.dispose();
}, 60_000);

async function serve(extra: string[]): Promise<QueueDriver> {
  const queue = queueName('runtime');
  started.push(
    await startWorker([
      '--redis',
      redis.url,
      '--queue',
      queue,
      '--root',
      REPO_ROOT,
      '--concurrency',
      '2',
      ...extra,
    ]),
  );
  return new QueueDriver({
    concurrency: 2,
    options: { connection: redis.url, queueName: queue, root: REPO_ROOT },
  });
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
  started.push(
    await startWorker(
      ['--redis', redis.url, '--queue', queue, '--root', REPO_ROOT, '--concurrency', '2'],
      60_000,
      ['--import', tsx],
    ),
  );
  const driver = new QueueDriver({
    concurrency: 2,
    options: { connection: redis.url, queueName: queue, root: REPO_ROOT },
  });
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

it('no worker process (or anything a worker started) is left', async () => {
  await Promise.all(started.map((w) => w.stop()));
  expect(await noMarkedLeft()).toEqual([]);
}, 60_000);
