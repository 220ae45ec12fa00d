// What a worker refuses (modules outside its --root, inline tasks without --allow-inline, payloads that
// are not isolane tasks) and what a producer refuses before sending; the start-up checks of the server
// (maxmemory-policy) and of the CLI options; graceful shutdown on SIGTERM.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WaitGroup } from '@isolane/core';
import { defineTask } from '@isolane/core/task';
import { Queue, QueueEvents } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { QueueDriver } from '../src/index.js';
import { decode, encode, type JobPayload } from '../src/wire.js';
import { itLeavesNoWorkerProcess, untilActiveJobs, useQueueTestEnv } from './helpers/queue-test-env.js';
import { startRedis } from './helpers/redis-server.js';
import { fixtureTasks } from './helpers/tasks.js';
import { queueName, REPO_ROOT, type TestWorker, WORKER_CLI } from './helpers/workers.js';

const env = useQueueTestEnv();
const t = await fixtureTasks();

function worker(args: string[]): Promise<TestWorker> {
  return env.startWorker(['--redis', env.redis.url, '--concurrency', '2', ...args]);
}

function driver(queue: string, root = REPO_ROOT): QueueDriver {
  return env.driver(queue, 2, { root });
}

type Outcome = {
  ok: boolean;
  value?: unknown;
  error?: { kind?: string; name: string; code?: string; message: string };
};

/** Adds a raw job (as anyone with Redis access could) and returns the value its worker stored. */
async function rawValue(queue: string, payload: unknown): Promise<unknown> {
  const connection = { host: '127.0.0.1', port: env.redis.port };
  const q = new Queue(queue, { connection });
  const events = new QueueEvents(queue, { connection });
  try {
    await events.waitUntilReady();
    const job = await q.add('task', payload);
    return await job.waitUntilFinished(events, 60_000);
  } finally {
    await events.close();
    await q.close();
  }
}

/** Adds a raw job and returns its decoded outcome. */
async function rawJob(queue: string, payload: unknown): Promise<Outcome> {
  return decode(((await rawValue(queue, payload)) as { r: string }).r) as Outcome;
}

describe('a worker refuses', () => {
  it('an inline task unless started with --allow-inline; module tasks still run', async () => {
    const queue = queueName('inline');
    await worker(['--queue', queue, '--root', REPO_ROOT]);
    const d = driver(queue);
    const wg = new WaitGroup({ driver: d });
    wg.go((a: number, b: number) => a + b, 1, 2);
    wg.go(t.add, 1, 2);
    const [inline, module] = await wg.wait();
    expect(inline?.ok).toBe(false);
    if (inline && !inline.ok) {
      expect(inline.error).toMatchObject({
        kind: 'threw',
        name: 'RefusedError',
        code: 'ISOLANE_INLINE_REFUSED',
      });
      expect(inline.error.message).toMatch(/--allow-inline/);
    }
    expect(module).toMatchObject({ ok: true, value: 3 });
    await d.close();
  }, 90_000);

  it('a module outside its --root (relative escape, absolute path, empty path); paths resolve under its own root', async () => {
    const queue = queueName('root');
    const inner = join(REPO_ROOT, 'packages', 'queue');
    await worker(['--queue', queue, '--root', inner, '--allow-inline']);
    const base: Omit<JobPayload, 'task'> = { v: 1, args: encode([1, 2]) };
    for (const path of ['../core/dist/testing/fixtures/tasks.js', '/etc/passwd', '']) {
      const out = await rawJob(queue, { ...base, task: { kind: 'module', path, name: 'add' } });
      expect(out.ok, path).toBe(false);
      expect(out.error, path).toMatchObject({ name: 'RefusedError', code: 'ISOLANE_OUTSIDE_ROOT' });
    }
    const bad = await rawJob(queue, { hello: 'world' });
    expect(bad.error).toMatchObject({ name: 'RefusedError', code: 'ISOLANE_BAD_JOB' });
    // A producer with another root: the same relative path is looked up under the worker's own root,
    // never beside it (here it does not exist there).
    const d = driver(queue, join(REPO_ROOT, 'packages'));
    const wg = new WaitGroup({ driver: d });
    wg.go(t.add, 2, 2);
    const [r] = await wg.wait();
    expect(r?.ok).toBe(false);
    if (r && !r.ok) expect(r.error.message).toContain(join(inner, 'core', 'dist'));
    await d.close();
  }, 90_000);
});

describe('a worker reads a bundle task by task', () => {
  it('a forged bundle: each task is judged alone; a bundle of more than 64 tasks, or none, is refused whole', async () => {
    const queue = queueName('forged-bundle');
    await worker(['--queue', queue, '--root', REPO_ROOT]);
    const add = (path: string): JobPayload => ({
      v: 1,
      task: { kind: 'module', path, name: 'add' },
      args: encode([1, 2]),
    });
    const good = add('packages/core/dist/testing/fixtures/tasks.js');
    const value = (await rawValue(queue, {
      v: 1,
      bundle: [good, add('../outside.js'), { v: 9 }, { v: 1, cancelled: 'stopped by its caller' }, good],
    })) as { b: { r: string }[] };
    const outcomes = value.b.map((o) => decode(o.r) as Outcome);
    expect(outcomes).toHaveLength(5);
    expect(outcomes[0]).toMatchObject({ ok: true, value: 3 });
    expect(outcomes[1]?.error).toMatchObject({ name: 'RefusedError', code: 'ISOLANE_OUTSIDE_ROOT' });
    expect(outcomes[2]?.error).toMatchObject({ name: 'RefusedError', code: 'ISOLANE_BAD_JOB' });
    expect(outcomes[3]?.error).toMatchObject({ kind: 'aborted', message: 'stopped by its caller' });
    expect(outcomes[4]).toMatchObject({ ok: true, value: 3 });
    for (const bundle of [Array.from({ length: 65 }, () => good), []]) {
      const whole = await rawJob(queue, { v: 1, bundle });
      expect(whole.error, `${bundle.length} tasks`).toMatchObject({
        name: 'RefusedError',
        code: 'ISOLANE_BAD_JOB',
      });
      expect(whole.error?.message).toMatch(
        new RegExp(`a bundle of ${bundle.length} tasks \\(1 to 64 allowed\\)`),
      );
    }
  }, 90_000);
});

describe('a producer refuses', () => {
  it('a module outside its root, before anything reaches Redis', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isolane-outside-'));
    try {
      writeFileSync(join(dir, 'task.mjs'), 'export const one = () => 1;\n');
      const one = defineTask(pathToFileURL(join(dir, 'task.mjs')).href, 'one', () => 1);
      const d = driver(queueName('outside'));
      const wg = new WaitGroup({ driver: d });
      wg.go(one);
      const [r] = await wg.wait();
      expect(r?.ok).toBe(false);
      if (r && !r.ok) {
        expect(r.error).toMatchObject({ name: 'SpawnError', code: 'ISOLANE_OUTSIDE_ROOT' });
        expect(r.error.message).toMatch(/outside the queue driver's root/);
      }
      await d.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('start-up checks', () => {
  it('maxmemory-policy other than noeviction: the worker and the producer warn loudly', async () => {
    const lru = await startRedis(['--maxmemory-policy', 'allkeys-lru']);
    try {
      const queue = queueName('lru');
      const w = await env.startWorker(['--redis', lru.url, '--queue', queue, '--root', REPO_ROOT]);
      expect(w.output()).toMatch(/WARNING: .*maxmemory-policy "allkeys-lru".*noeviction/);
      const warnings: Error[] = [];
      const onWarning = (w: Error) => warnings.push(w);
      process.on('warning', onWarning);
      const d = new QueueDriver({
        concurrency: 1,
        options: { connection: lru.url, queueName: queue, root: REPO_ROOT },
      });
      const wg = new WaitGroup({ driver: d });
      wg.go(t.add, 1, 1);
      expect((await wg.wait())[0]).toMatchObject({ ok: true, value: 2 });
      const deadline = Date.now() + 10_000;
      while (!warnings.some((x) => /allkeys-lru/.test(x.message)) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      process.off('warning', onWarning);
      expect(warnings.map((x) => x.message).join('\n')).toMatch(/maxmemory-policy "allkeys-lru"/);
      await d.close();
      await w.stop();
    } finally {
      await lru.dispose();
    }
  }, 90_000);

  it('bad CLI options fail at once, naming the option', () => {
    for (const [args, pattern] of [
      [['--concurrency', '0'], /--concurrency/],
      [['--redis', 'http://x'], /--redis/],
      [['--queue', 'a:b'], /--queue/],
      [['--runtime', 'cooperative'], /--runtime/],
      [['--lock-duration', 'soon'], /--lock-duration/],
    ] as const) {
      const run = spawnSync(process.execPath, [WORKER_CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
      expect(run.status, args.join(' ')).not.toBe(0);
      expect(run.stderr, args.join(' ')).toMatch(pattern);
    }
  }, 90_000);
});

describe('graceful shutdown', () => {
  it('SIGTERM: the worker finishes the job it holds, reports it, and exits 0', async () => {
    const queue = queueName('sigterm');
    const w = await worker(['--queue', queue, '--root', REPO_ROOT]);
    const d = driver(queue);
    const wg = new WaitGroup({ driver: d });
    wg.go(t.sleepThen, 1_500, 'finished');
    await untilActiveJobs(env.redis.port, queue, 1);
    w.child.kill('SIGTERM');
    const [r] = await wg.wait();
    expect(r).toMatchObject({ ok: true, value: 'finished' });
    expect(await w.exited).toEqual({ code: 0, signal: null });
    expect(w.output()).toMatch(/SIGTERM: finishing 1 job/);
    await d.close();
  }, 90_000);
});

itLeavesNoWorkerProcess(env);
