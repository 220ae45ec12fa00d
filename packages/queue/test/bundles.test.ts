// Bundles: while tasks are known to be short, a batch of go()s travels as fewer BullMQ jobs, each
// carrying several tasks. Everything still holds per task: one result per go() in order, its own
// failure, timeout, progress, messages, late errors. (Aborts: bundles-abort.test.ts; a worker killed
// holding bundles, Redis restarted, settled jobs leaving Redis: bundles-faults.test.ts.)
// Verdicts wait for events, bounded by generous deadlines.
import { type TaskFailure, WaitGroup } from '@isolane/core';
import { describe, expect, it } from 'vitest';
import { QueueDriver } from '../src/index.js';
import { kindOf, until, useBundleKit } from './helpers/bundle-helpers.js';
import { itLeavesNoWorkerProcess, useQueueTestEnv } from './helpers/queue-test-env.js';
import { bundleTasks, coreTasks, fixtureTasks } from './helpers/tasks.js';
import { queueName, REPO_ROOT } from './helpers/workers.js';

const queue = queueName('bundles');
const env = useQueueTestEnv({ queue, concurrency: 2, count: 2 });
const { jobsMade, noJobKeys, warm } = useBundleKit(env, 'isolane-bundles-');
const t = await fixtureTasks();
const c = await coreTasks();
const b = await bundleTasks();

describe('bundling', () => {
  it('maxTasksPerJob is checked, naming the option', () => {
    for (const bad of [0, 65, 1.5, Number.NaN, -1, '4', Number.POSITIVE_INFINITY]) {
      expect(() => new QueueDriver({ concurrency: 1, options: { maxTasksPerJob: bad as number } })).toThrow(
        /queue driver: "maxTasksPerJob"/,
      );
    }
    expect(() => new QueueDriver({ concurrency: 1, options: { maxTasksPerJob: '4' as never } })).toThrow(
      TypeError,
    );
    for (const ok of [1, 16, 64]) {
      const d = new QueueDriver({ concurrency: 1, options: { root: REPO_ROOT, maxTasksPerJob: ok } });
      expect(d.options).toMatchObject({ maxTasksPerJob: ok });
    }
    expect(new QueueDriver({ concurrency: 1 }).options).toMatchObject({ maxTasksPerJob: 16 });
  });

  it('a warm burst of 300 trivial tasks: every result in go() order, far fewer than 300 jobs', async () => {
    const made: Record<string, number> = {};
    for (const max of [16, 4, 1]) {
      // A window wider than the burst: it goes to Redis as one batch.
      const driver = env.driver(queue, 512, { maxTasksPerJob: max });
      try {
        await warm(driver, queue, max > 1);
        const before = await jobsMade(queue);
        const wg = new WaitGroup({ driver });
        for (let i = 0; i < 300; i++) wg.go(t.add, i, 7);
        const results = await wg.wait();
        const wrong = results.flatMap((r, i) => (r.ok && r.value === i + 7 ? [] : [{ i, r }]));
        expect(wrong.slice(0, 3)).toEqual([]);
        expect(results).toHaveLength(300);
        made[max] = (await jobsMade(queue)) - before;
      } finally {
        await driver.close();
      }
    }
    console.log(`jobs for 300 warm trivial tasks by maxTasksPerJob: ${JSON.stringify(made)}`);
    expect(made[16]).toBeLessThan(150);
    // No job carries more than maxTasksPerJob tasks.
    expect(made[16]).toBeGreaterThanOrEqual(300 / 16);
    expect(made[4]).toBeGreaterThanOrEqual(300 / 4);
    expect(made[4]).toBeLessThan(300);
    expect(made[1]).toBe(300);
  }, 120_000);

  it('policy: a small batch still spreads over 4 jobs; after long tasks, short ones travel alone again', async () => {
    const driver = env.driver(queue, 128);
    try {
      await warm(driver, queue);
      let before = await jobsMade(queue);
      const small = new WaitGroup({ driver });
      for (let i = 0; i < 12; i++) small.go(t.add, i, 0);
      expect((await small.wait()).map((r) => (r.ok ? r.value : r.error.message))).toEqual(
        Array.from({ length: 12 }, (_, i) => i),
      );
      const smallJobs = (await jobsMade(queue)) - before;
      expect(smallJobs, 'a batch of 12 is spread over at least 4 jobs').toBeGreaterThanOrEqual(4);
      expect(smallJobs, 'a batch of 12 is bundled').toBeLessThan(12);
      // Tasks of 20 ms bring the running average far above 0.5 ms.
      const slow = new WaitGroup({ driver });
      for (let i = 0; i < 40; i++) slow.go(t.sleepThen, 20, i);
      expect((await slow.wait()).every((r) => r.ok)).toBe(true);
      before = await jobsMade(queue);
      const next = new WaitGroup({ driver });
      for (let i = 0; i < 40; i++) next.go(t.add, i, 0);
      expect((await next.wait()).every((r) => r.ok)).toBe(true);
      expect((await jobsMade(queue)) - before, 'after long tasks, every task has a job of its own').toBe(40);
    } finally {
      await driver.close();
    }
  }, 120_000);

  it('mixed outcomes inside bundles: each slot gets exactly its own value or failure', async () => {
    const driver = env.driver(queue, 256, { maxTasksPerJob: 8 });
    try {
      await warm(driver, queue);
      const kinds = ['undefined', 'negative-zero', 'nan', 'bigint', 'map', 'sparse', 'big-string'] as const;
      const wg = new WaitGroup({ driver });
      const before = await jobsMade(queue);
      const n = 140;
      for (let i = 0; i < n; i++) {
        if (i === 44) wg.go((x: number) => x + 1, i);
        else if (i === 45) wg.go(c.returnUnserializable, 'function');
        else if (i === 46) wg.go(c.throwValue, 'number');
        else if (i % 7 === 0) wg.go(c.throwCustom, `boom ${i}`);
        else if (i % 7 === 3) wg.go(t.echo, i % 2 === 0 ? -0 : new Map([[i, 2n ** 64n]]));
        else if (i % 7 === 5) wg.go(b.oddValue, kinds[((i / 7) % kinds.length) | 0] as string);
        else wg.go(t.add, i, 0);
      }
      const results = await wg.wait();
      expect((await jobsMade(queue)) - before, 'the burst was not bundled').toBeLessThan(n);
      expect(results).toHaveLength(n);
      for (const [i, r] of results.entries()) {
        const at = `slot ${i}: ${JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))?.slice(0, 200)}`;
        if (i === 44) {
          // Inline tasks are refused by these workers (no --allow-inline): that task only.
          expect(r, at).toMatchObject({ ok: false, error: { code: 'ISOLANE_INLINE_REFUSED' } });
        } else if (i === 45) {
          expect(r, at).toMatchObject({ ok: false, error: { kind: 'unserializable' } });
        } else if (i === 46) {
          expect(r.ok, at).toBe(false);
          if (!r.ok) expect(r.error.message, at).toMatch(/42/);
        } else if (i % 7 === 0) {
          expect(r, at).toMatchObject({
            ok: false,
            error: { kind: 'threw', name: 'MyDomainError', message: `boom ${i}`, code: 'E_DOMAIN' },
          });
        } else if (i % 7 === 3) {
          expect(r.ok, at).toBe(true);
          if (!r.ok) continue;
          if (i % 2 === 0) expect(Object.is(r.value, -0), at).toBe(true);
          else expect(r.value, at).toEqual(new Map([[i, 2n ** 64n]]));
        } else if (i % 7 === 5) {
          expect(r.ok, at).toBe(true);
          if (!r.ok) continue;
          const kind = kinds[((i / 7) % kinds.length) | 0];
          const v = r.value as unknown;
          if (kind === 'undefined') expect(v, at).toBeUndefined();
          if (kind === 'negative-zero') expect(Object.is(v, -0), at).toBe(true);
          if (kind === 'nan') expect(Number.isNaN(v), at).toBe(true);
          if (kind === 'bigint') expect(v, at).toBe(2n ** 70n + 1n);
          if (kind === 'map')
            expect(v, at).toEqual(
              new Map<unknown, unknown>([
                [1, { a: 2n }],
                ['k', [1, 2]],
              ]),
            );
          if (kind === 'sparse') {
            expect(Array.isArray(v) && v.length === 5 && v[0] === 1 && v[2] === 3, at).toBe(true);
            expect(1 in (v as unknown[]) || 3 in (v as unknown[]), `${at}: holes filled`).toBe(false);
          }
          if (kind === 'big-string') expect(v, at).toBe('x'.repeat(200 * 1024));
        } else expect(r, at).toMatchObject({ ok: true, value: i });
      }
    } finally {
      await driver.close();
    }
  }, 120_000);

  it("a bundled task's timeout is its own, counted from its own start", async () => {
    const driver = env.driver(queue, 128, { maxTasksPerJob: 8 });
    try {
      await warm(driver, queue);
      // One task sleeps past the timeout: only its slot times out.
      const wg = new WaitGroup({ driver, timeout: 2_000 });
      let before = await jobsMade(queue);
      for (let i = 0; i < 32; i++) i === 9 ? wg.go(t.sleepThen, 60_000, 'late') : wg.go(t.add, i, 0);
      const began = performance.now();
      const results = await wg.wait();
      expect((await jobsMade(queue)) - before, 'the burst was not bundled').toBeLessThan(32);
      expect(results.map(kindOf)).toEqual(Array.from({ length: 32 }, (_, i) => (i === 9 ? 'timeout' : 'ok')));
      expect(performance.now() - began).toBeLessThan(30_000);
      // 32 tasks of 400 ms in bundles of 8 on 4 slots: a bundle takes longer than the timeout, no task does.
      await warm(driver, queue);
      const slow = new WaitGroup({ driver, timeout: 1_500 });
      before = await jobsMade(queue);
      for (let i = 0; i < 32; i++) slow.go(t.sleepThen, 400, i);
      const all = await slow.wait();
      expect((await jobsMade(queue)) - before, 'the burst was not bundled').toBeLessThan(32);
      expect(all.map((r) => (r.ok ? r.value : r.error.kind))).toEqual(
        Array.from({ length: 32 }, (_, i) => i),
      );
    } finally {
      await driver.close();
    }
  }, 120_000);

  it('progress and messages of bundled tasks reach their own caller only', async () => {
    const driver = env.driver(queue, 128, { maxTasksPerJob: 8 });
    try {
      await warm(driver, queue);
      const seen: Record<string, unknown[]> = { A: [], B: [], mA: [], mB: [] };
      const groups: Record<string, WaitGroup> = {};
      for (const tag of ['A', 'B', 'mA', 'mB']) {
        groups[tag] = new WaitGroup({
          driver,
          timeout: 60_000,
          onProgress: (v) => seen[tag]?.push(v),
          onMessage: (m, slot) => {
            seen[tag]?.push(m);
            void groups[tag]?.send(slot, `reply to ${tag}`);
          },
        });
      }
      const filler = new WaitGroup({ driver });
      const before = await jobsMade(queue);
      for (let i = 0; i < 32; i++) {
        if (i === 3 || i === 4) groups[i === 3 ? 'A' : 'B']?.go(b.progressSteps, i === 3 ? 'A' : 'B', 6);
        else if (i === 10 || i === 11)
          groups[i === 10 ? 'mA' : 'mB']?.go(b.greetAndReply, i === 10 ? 'mA' : 'mB');
        else filler.go(t.add, i, 0);
      }
      const [a, bb, ma, mb, fill] = await Promise.all(
        [...Object.values(groups), filler].map((g) => g.wait()),
      );
      expect((await jobsMade(queue)) - before, 'the burst was not bundled').toBeLessThan(32);
      expect([a, bb, ma, mb].map((rs) => rs?.map((r) => (r.ok ? r.value : r.error.message)))).toEqual([
        ['A'],
        ['B'],
        ['mA got reply to mA'],
        ['mB got reply to mB'],
      ]);
      expect(fill?.every((r) => r.ok)).toBe(true);
      for (const tag of ['A', 'B']) {
        expect(seen[tag]?.length, `progress of ${tag}`).toBeGreaterThan(0);
        expect(
          seen[tag]?.every((v) => (v as { tag: string }).tag === tag),
          JSON.stringify(seen[tag]),
        ).toBe(true);
        expect(seen[tag]?.at(-1)).toEqual({ tag, i: 6 });
        expect(groups[tag]?.progress(0)).toEqual({ tag, i: 6 });
      }
      expect([seen.mA, seen.mB]).toEqual([['hello from mA'], ['hello from mB']]);
      expect(await noJobKeys(queue)).toEqual([]);
    } finally {
      await driver.close();
    }
  }, 120_000);

  it('a bundled task that kills its thread fails alone; its siblings are ok', async () => {
    const driver = env.driver(queue, 128, { maxTasksPerJob: 8 });
    try {
      await warm(driver, queue);
      const wg = new WaitGroup({ driver });
      const before = await jobsMade(queue);
      for (let i = 0; i < 32; i++) i === 5 ? wg.go(c.exitWith, 3) : wg.go(t.add, i, 0);
      const results = await wg.wait();
      expect((await jobsMade(queue)) - before, 'the burst was not bundled').toBeLessThan(32);
      expect(results.map((r, i) => (i === 5 ? kindOf(r) : r.ok ? r.value : r.error.message))).toEqual(
        Array.from({ length: 32 }, (_, i) => (i === 5 ? 'crashed' : i)),
      );
    } finally {
      await driver.close();
    }
  }, 120_000);

  it("a bundled task's late error reaches its own group as a stray, not a sibling's", async () => {
    const driver = env.driver(queue, 128, { maxTasksPerJob: 8 });
    try {
      await warm(driver, queue);
      const strays: { tag: string; failure: TaskFailure; slot: number }[] = [];
      const onError = (tag: string) => (failure: TaskFailure, slot: number) =>
        strays.push({ tag, failure, slot });
      const main = new WaitGroup({ driver, onError: onError('main') });
      const late = new WaitGroup({ driver, onError: onError('late') });
      const before = await jobsMade(queue);
      for (let i = 0; i < 32; i++) i === 13 ? late.go(c.lateThrow, 20, 'late from 13') : main.go(t.add, i, 0);
      expect((await late.wait())[0]).toMatchObject({ ok: true, value: 'returned' });
      expect((await main.wait()).every((r) => r.ok)).toBe(true);
      expect((await jobsMade(queue)) - before, 'the burst was not bundled').toBeLessThan(32);
      await until(async () => strays.length > 0, 20_000, 'the late error');
      expect(strays.map((s) => [s.tag, s.slot, s.failure.message])).toEqual([['late', 0, 'late from 13']]);
    } finally {
      await driver.close();
    }
  }, 120_000);

  it("late errors that arrive long before their bundle's outcome never take a slot and are not lost", async () => {
    const driver = env.driver(queue, 128, { maxTasksPerJob: 8 });
    try {
      await warm(driver, queue);
      const strays: { failure: TaskFailure; slot: number }[] = [];
      const wg = new WaitGroup({ driver, onError: (failure, slot) => strays.push({ failure, slot }) });
      const before = await jobsMade(queue);
      // Each bundle of 8: a task that throws right after it returned, then 7 siblings of 150 ms.
      for (let i = 0; i < 32; i++)
        i % 8 === 0 ? wg.go(c.lateThrow, 0, `late ${i}`) : wg.go(t.sleepThen, 150, i);
      const results = await wg.wait();
      expect((await jobsMade(queue)) - before, 'the burst was not bundled').toBeLessThan(32);
      expect(results.map((r) => (r.ok ? r.value : r.error.message))).toEqual(
        Array.from({ length: 32 }, (_, i) => (i % 8 === 0 ? 'returned' : i)),
      );
      await until(
        async () => strays.length >= 4,
        20_000,
        () => `4 late errors, got ${JSON.stringify(strays)}`,
      );
      expect(strays.map((x) => [x.slot, x.failure.message]).sort()).toEqual([
        [0, 'late 0'],
        [16, 'late 16'],
        [24, 'late 24'],
        [8, 'late 8'],
      ]);
    } finally {
      await driver.close();
    }
  }, 120_000);
});

itLeavesNoWorkerProcess(env);
