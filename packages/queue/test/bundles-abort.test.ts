// Bundles aborted: a bundled task aborted while it runs stops promptly (a streaming one leaves no stream);
// one aborted before it started never runs, whether held on a worker or waiting in Redis (its bundle is
// rewritten without it, or removed whole), by its own signal, wg.abort() or driver.close(); aborts landing
// at every stage of a burst. Verdicts wait for events, bounded by generous deadlines.
import { join } from 'node:path';
import { WaitGroup } from '@isolane/core';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alone,
  byJob,
  idle,
  kindOf,
  locate,
  neverRan,
  ranAfter,
  sleepers,
  until,
  useBundleKit,
} from './helpers/bundle-helpers.js';
import { itLeavesNoWorkerProcess, useQueueTestEnv, workerArgs } from './helpers/queue-test-env.js';
import { bundleTasks, fixtureTasks, runsOf } from './helpers/tasks.js';
import { queueName } from './helpers/workers.js';

const queue = queueName('bundles-abort');
const env = useQueueTestEnv({ queue, concurrency: 2, count: 2 });
const kit = useBundleKit(env, 'isolane-bundles-abort-');
const { jobsMade, noJobKeys, warm } = kit;
const t = await fixtureTasks();
const b = await bundleTasks();
let client: Redis;
let dir: string;

beforeAll(() => {
  ({ client, dir } = kit);
});

describe('bundling', () => {
  it('a running bundled task aborted by its own signal stops promptly on its worker; siblings ok', async () => {
    const driver = env.driver(queue, 128, { maxTasksPerJob: 8 });
    try {
      await warm(driver, queue);
      const file = join(dir, 'running-abort');
      const wg = new WaitGroup({ driver });
      const long = alone(driver);
      const first = (await jobsMade(queue)) + 1;
      for (let i = 0; i < 32; i++)
        i === 5 ? long.wg.go(b.recordThen, file, 60_000, 'never') : wg.go(t.add, i, 1);
      await until(async () => runsOf(file).length > 0, 30_000, 'the long task to start');
      const last = await jobsMade(queue);
      expect(last - first + 1, 'the burst was not bundled').toBeLessThan(32);
      long.ac.abort('stop it');
      const abortedAt = performance.now();
      const [r] = await long.wg.wait();
      expect(r).toMatchObject({ ok: false, error: { kind: 'aborted', message: 'stop it' } });
      expect(performance.now() - abortedAt).toBeLessThan(5_000);
      const results = await wg.wait();
      expect(results.map((x) => (x.ok ? x.value : x.error.message))).toEqual(
        Array.from({ length: 31 }, (_, k) => (k < 5 ? k : k + 1) + 1),
      );
      // Cancelled on its worker (not run for its 60 s): the burst's jobs are done and gone.
      const ids = Array.from({ length: last - first + 1 }, (_, k) => `bull:${queue}:${first + k}`);
      await until(async () => (await client.exists(...ids)) === 0, 20_000, "the burst's jobs to leave Redis");
      expect(runsOf(file)).toHaveLength(1);
    } finally {
      await driver.close();
    }
  }, 120_000);

  it('an aborted bundled task that was streaming messages leaves no stream behind; siblings ok', async () => {
    const driver = env.driver(queue, 128, { maxTasksPerJob: 8 });
    try {
      await warm(driver, queue);
      const main = new WaitGroup({ driver });
      const streaming = alone(driver);
      const before = await jobsMade(queue);
      for (let i = 0; i < 32; i++) i === 6 ? streaming.wg.go(b.sendForever) : main.go(t.add, i, 0);
      let seen = 0;
      let streams: string[] = [];
      for await (const m of streaming.wg.messages(0)) {
        expect(m).toBe(seen);
        if (++seen === 50) streams = await client.keys(`bull:${queue}:*isolane-*`);
        if (seen === 100) streaming.ac.abort('enough');
      }
      // Named after the task: `<job id>.<index in the bundle>`.
      expect(streams.length).toBeGreaterThan(0);
      for (const key of streams) expect(key).toMatch(/^bull:[^:]+:\d+\.\d+:isolane-/);
      expect((await streaming.wg.wait())[0]).toMatchObject({ ok: false, error: { kind: 'aborted' } });
      expect((await main.wait()).every((r) => r.ok)).toBe(true);
      expect((await jobsMade(queue)) - before, 'the burst was not bundled').toBeLessThan(32);
      // The task's streams (`<job>.<index>:isolane-…`) and its job are gone.
      expect(await noJobKeys(queue)).toEqual([]);
    } finally {
      await driver.close();
    }
  }, 120_000);
});

describe('bundled tasks aborted before they started', () => {
  // One worker with one slot: the first task of a bundle sleeps; the bundle's other tasks are held there,
  // not started, and the other jobs wait in Redis (a worker takes no more jobs than its slots).
  const name = queueName('bundles-wait');
  const file = (tag: string) => (i: number) => join(dir, `${name}-${tag}-${i}`);
  let q: Queue;
  beforeAll(async () => {
    await env.startWorker(workerArgs(env.redis.url, name, 1));
    q = new Queue(name, { connection: { host: '127.0.0.1', port: env.redis.port } });
  }, 60_000);
  afterAll(async () => {
    await q?.close();
  });

  it('aborted while held, while waiting (some of a bundle, in one turn and later) or a whole waiting bundle: none runs; the rest run once', async () => {
    const driver = env.driver(name, 128, { maxTasksPerJob: 4 });
    try {
      await warm(driver, name);
      const n = 40;
      const f = file('one');
      const tasks = Array.from({ length: n }, () => alone(driver));
      // Task 0 sleeps: its bundle's other tasks are held behind it on the worker's one slot.
      for (const [i, { wg }] of tasks.entries()) wg.go(b.recordThen, f(i), i === 0 ? 120_000 : 0, i);
      const { held, waiting } = await until(
        async () => {
          const held = locate(await q.getActive(), f);
          const waiting = locate(await q.getWaiting(), f);
          return held.size > 0 && held.size + waiting.size === n && { held, waiting };
        },
        30_000,
        'a bundle of the burst held by the busy worker and every other one waiting in Redis',
      );
      const waitingJobs = [...byJob(waiting)].filter(([, v]) => v.length === 4);
      expect(waitingJobs.length, 'two waiting bundles of 4 tasks').toBeGreaterThanOrEqual(2);
      expect(Math.max(...[...byJob(waiting).values(), ...byJob(held).values()].map((v) => v.length))).toBe(4);
      const [[idH, inH]] = [...byJob(held)] as [[string, number[]]];
      const [[idA, inA], [idB, inB]] = waitingJobs as [[string, number[]], [string, number[]]];
      // In one turn: the last task of the held bundle, two tasks of A, every task of B.
      const first = [inH.at(-1), inA[0], inA[2], ...inB] as number[];
      for (const i of first) tasks[i]?.ac.abort(`not needed ${i}`);
      const aborted = new Set(first);
      const abortedOk = async (ids: Iterable<number>) => {
        for (const i of ids) {
          expect((await tasks[i]?.wg.wait())?.[0]).toMatchObject({ ok: false, error: { kind: 'aborted' } });
        }
      };
      await abortedOk(first);
      /** Waits until A no longer carries the tasks `gone` (and still carries `kept`). */
      const rewritten = (gone: number[], kept: number[]) =>
        until(
          async () => {
            const job = await q.getJob(idA);
            const at = job === undefined ? new Map() : locate([job], f);
            return gone.every((i) => !at.has(i)) && kept.every((i) => at.has(i));
          },
          15_000,
          `job A (${idA}) rewritten without tasks ${gone} (keeping ${kept})`,
        );
      // While the worker is still busy: B (all aborted) is removed, A is rewritten without its tasks.
      await until(
        async () => (await client.exists(`bull:${name}:${idB}`)) === 0,
        15_000,
        `job B (${idB}) removed`,
      );
      await rewritten([inA[0], inA[2]] as number[], [inA[1], inA[3]] as number[]);
      // A later turn: one more task of A (its previous rewrite must not be undone).
      tasks[inA[3] as number]?.ac.abort('not needed either');
      aborted.add(inA[3] as number);
      await abortedOk([inA[3] as number]);
      await rewritten([inA[0], inA[2], inA[3]] as number[], [inA[1]] as number[]);
      expect(await (await q.getJob(idA))?.getState()).toBe('waiting');
      expect(await (await q.getJob(idH))?.getState()).toBe('active');
      // Free the worker: the sleeping task (it started, so it is not among those that must never run).
      tasks[0]?.ac.abort('free the worker');
      expect((await tasks[0]?.wg.wait())?.[0]).toMatchObject({ ok: false, error: { kind: 'aborted' } });
      for (const [i, { wg }] of tasks.entries()) {
        const [r] = await wg.wait();
        if (i > 0 && !aborted.has(i)) expect(r, `task ${i}`).toMatchObject({ ok: true, value: i });
      }
      for (let i = 1; i < n; i++) if (!aborted.has(i)) expect(runsOf(f(i)), `runs of ${i}`).toHaveLength(1);
      await neverRan([...aborted].map(f));
      expect(await noJobKeys(name)).toEqual([]);
    } finally {
      await driver.close();
    }
  }, 120_000);

  it.each(['their own signals, in go() order', 'wg.abort()', 'driver.close()'])(
    '%s: a task running and one held behind it in the same job both stop at once',
    async (how) => {
      await idle(q);
      const driver = env.driver(name, 8, { maxTasksPerJob: 2 });
      try {
        // Short tasks first, so a burst is bundled whatever ran before.
        await warm(driver, name, false, 5);
        const f = file(`pair-${how.replace(/\W+/g, '-')}`);
        const wg = new WaitGroup({ driver });
        const own = [alone(driver), alone(driver)];
        // A burst of 8 in one turn: jobs of 2 tasks; the first job's tasks sleep, the rest are short.
        for (let i = 0; i < 8; i++) {
          const group = how.startsWith('their') && i < 2 ? own[i]?.wg : wg;
          group?.go(b.recordThen, f(i), i < 2 ? 6_000 : 0, i);
        }
        // Its one slot runs task 0; task 1, in the same job, is held there.
        await until(
          async () => runsOf(f(0)).length > 0 && (await q.getActiveCount()) === 1,
          40_000,
          'one job on the worker: a task running and one held',
        );
        const ids = (await q.getActive()).map((j) => `bull:${name}:${j.id}`);
        const stoppedAt = Date.now();
        if (how === 'wg.abort()') wg.abort('stop both');
        else if (how === 'driver.close()') await driver.close();
        else for (const o of own) o.ac.abort('stop both');
        const results = how.startsWith('their')
          ? (await Promise.all(own.map((o) => o.wg.wait()))).flat()
          : (await wg.wait()).slice(0, 2);
        expect(results.map(kindOf)).toEqual(['aborted', 'aborted']);
        if (how.startsWith('their')) expect((await wg.wait()).every((r) => r.ok)).toBe(true);
        const lateRuns = () => ranAfter([f(0), f(1)], stoppedAt);
        await until(
          async () => (await client.exists(...ids)) === 0,
          15_000,
          () => `both jobs stopped and gone (runs after the stop: ${JSON.stringify(lateRuns())})`,
        );
        expect(lateRuns(), 'ran after the stop').toEqual([]);
      } finally {
        await driver.close();
      }
    },
    120_000,
  );

  it('wg.abort() and driver.close() stop whole bundles waiting in Redis: none of their tasks runs', async () => {
    await idle(q);
    const driver = env.driver(name, 128, { maxTasksPerJob: 4 });
    try {
      await warm(driver, name);
      // Sleepers of 8 s: should a stop miss one (see the tests above), the worker is free again soon.
      await sleepers(driver, 12, 8_000);
      const tasks = (tag: string) => {
        const wg = new WaitGroup({ driver });
        for (let i = 0; i < 20; i++) wg.go(b.recordThen, file(tag)(i), 0, i);
        return wg;
      };
      const waitingIn = (tag: string) =>
        until(
          async () => {
            const at = locate(await q.getWaiting(), file(tag));
            return at.size === 20 && [...byJob(at).keys()];
          },
          30_000,
          `burst ${tag} waiting in Redis`,
        );
      const gone = (ids: string[], what: string) =>
        until(
          async () => (await client.exists(...ids.map((id) => `bull:${name}:${id}`))) === 0,
          15_000,
          what,
        );
      const first = tasks('group');
      const firstJobs = await waitingIn('group');
      expect(firstJobs.length).toBeLessThan(20);
      first.abort('group stop');
      expect((await first.wait()).map(kindOf)).toEqual(Array(20).fill('aborted'));
      await gone(firstJobs, "the aborted group's jobs removed");
      const second = tasks('close');
      const secondJobs = await waitingIn('close');
      await driver.close();
      expect((await second.wait()).map(kindOf)).toEqual(Array(20).fill('aborted'));
      await gone(secondJobs, "the closed driver's waiting jobs removed");
      // Then the worker runs out of work: had a job of the burst stayed in Redis, it would run now.
      await until(
        async () => {
          const counts = await q.getJobCounts('wait', 'active', 'delayed');
          return Object.values(counts).every((v) => v === 0);
        },
        30_000,
        'the queue empty',
      );
      await neverRan(Array.from({ length: 20 }, (_, i) => [file('group')(i), file('close')(i)]).flat());
    } finally {
      await driver.close();
    }
  }, 120_000);
});

describe('a bundle aborted while its first task runs and the others are held on the worker', () => {
  it('aborted task by task in go() order: every task stops at once (none starts after), the jobs leave Redis, the slot is free', async () => {
    const name = queueName('bundles-held');
    await env.startWorker(workerArgs(env.redis.url, name, 1));
    const driver = env.driver(name, 128, { maxTasksPerJob: 4 });
    const q = new Queue(name, { connection: { host: '127.0.0.1', port: env.redis.port } });
    try {
      await warm(driver, name);
      const f = (i: number) => join(dir, `${name}-${i}`);
      const tasks = Array.from({ length: 16 }, () => alone(driver));
      const before = await jobsMade(name);
      for (const [i, { wg }] of tasks.entries()) wg.go(b.recordThen, f(i), 6_000, i);
      // Its one slot runs the first task; the rest of its bundle (and what it fetched ahead) is held.
      await until(async () => runsOf(f(0)).length > 0, 30_000, 'the first task to start');
      const made = (await jobsMade(name)) - before;
      expect(made, 'the burst was not bundled').toBeLessThan(16);
      await until(async () => (await q.getActiveCount()) >= 1, 10_000, 'an active job');
      // Each by its own signal, in go() order, in one turn: the running one first, then those held behind it.
      const abortedAt = Date.now();
      for (const { ac } of tasks) ac.abort('stop all');
      const results = await Promise.all(tasks.map(({ wg }) => wg.wait().then(([r]) => r)));
      expect(results.map(kindOf)).toEqual(Array(16).fill('aborted'));
      const ids = Array.from({ length: made }, (_, k) => `bull:${name}:${before + 1 + k}`);
      // Nothing else frees the slot: a task that starts after the abort (or runs to its end) missed its stop.
      const lateRuns = () =>
        ranAfter(
          Array.from({ length: 16 }, (_, i) => f(i)),
          abortedAt,
        );
      await until(
        async () => (await client.exists(...ids)) === 0,
        20_000,
        () => `the aborted bundles to leave Redis (runs after the abort: ${JSON.stringify(lateRuns())})`,
      );
      expect(lateRuns(), 'ran after the abort').toEqual([]);
      // The worker's one slot is free again: a new task runs at once.
      const again = new WaitGroup({ driver });
      again.go(t.add, 2, 3);
      const began = performance.now();
      expect((await again.wait())[0]).toMatchObject({ ok: true, value: 5 });
      expect(performance.now() - began).toBeLessThan(5_000);
    } finally {
      await driver.close();
      await q.close();
    }
  }, 120_000);
});

describe('aborts landing at every stage of bundles', () => {
  it('an aborted task never starts after its abort and a running one is stopped; the others run once', async () => {
    const name = queueName('bundles-race');
    await Promise.all([0, 1].map(() => env.startWorker(workerArgs(env.redis.url, name, 8))));
    const driver = env.driver(name, 256, { maxTasksPerJob: 8 });
    try {
      await warm(driver, name);
      const n = 48;
      const f = (i: number) => join(dir, `${name}-${i}`);
      const tasks = Array.from({ length: n }, () => alone(driver));
      const before = await jobsMade(name);
      for (const [i, { wg }] of tasks.entries()) wg.go(b.recordThen, f(i), 1_000, i);
      // Every third task is aborted, one every 150 ms: waiting in Redis, held on a worker, running, done.
      const targets = Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 === 1);
      const abortedAt = new Map<number, number>();
      for (const [k, i] of targets.entries()) {
        setTimeout(() => {
          abortedAt.set(i, Date.now());
          tasks[i]?.ac.abort(`abort ${i}`);
        }, k * 150);
      }
      const results = await Promise.all(tasks.map(({ wg }) => wg.wait().then(([r]) => r)));
      expect((await jobsMade(name)) - before, 'the burst was not bundled').toBeLessThan(n);
      // The cancel of a running or held task reaches its worker well within this (pub/sub, one hop).
      const MARGIN_MS = 700;
      const rows = results.map((r, i) => {
        const runs = runsOf(f(i));
        const since = (what: string) =>
          runs.filter((x) => x.what === what).map((x) => x.at - (abortedAt.get(i) ?? 0));
        return { i, kind: kindOf(r), target: abortedAt.has(i), starts: since('start'), ends: since('end') };
      });
      const summary = JSON.stringify(rows);
      for (const row of rows) {
        if (!row.target || row.kind === 'ok') {
          expect(results[row.i], summary).toMatchObject({ ok: true, value: row.i });
          expect([row.starts.length, row.ends.length], `task ${row.i} ran once: ${summary}`).toEqual([1, 1]);
          continue;
        }
        expect(row.kind, summary).toBe('aborted');
        expect(row.starts.length, `aborted task ${row.i} ran more than once: ${summary}`).toBeLessThanOrEqual(
          1,
        );
        const late = [...row.starts, ...row.ends].filter((ms) => ms > MARGIN_MS);
        expect(late, `aborted task ${row.i} ran on after its abort: ${summary}`).toEqual([]);
      }
      const aborted = rows.filter((x) => x.kind === 'aborted');
      const stages = {
        neverStarted: aborted.filter((x) => x.starts.length === 0).length,
        stoppedRunning: aborted.filter((x) => x.starts.length === 1 && x.ends.length === 0).length,
        tooLate: rows.filter((x) => x.target && x.kind === 'ok').length,
      };
      console.log(`aborts by stage: ${JSON.stringify(stages)}`);
      expect(stages.neverStarted, summary).toBeGreaterThan(0);
      expect(await noJobKeys(name)).toEqual([]);
    } finally {
      await driver.close();
    }
  }, 120_000);
});

itLeavesNoWorkerProcess(env);
