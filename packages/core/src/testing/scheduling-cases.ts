/**
 * Conformance cases for how a driver runs work: the concurrency limit, bootstraps once per worker (and
 * their failure), many tasks in order.
 */
import assert from 'node:assert/strict';
import { failureOf, fixture, group, valueIn } from './case-helpers.js';
import type { ConformanceCase } from './case-types.js';
import * as t from './fixtures/tasks.js';

/** Concurrency, bootstraps and volume. */
export const SCHEDULING_CASES: readonly ConformanceCase[] = [
  {
    id: 'concurrency-limit',
    title: 'no more than `concurrency` tasks run at once (measured), and they do run in parallel',
    timeout: 60_000,
    async run(ctx) {
      const wg = await group(ctx.driver({ concurrency: 2 }));
      for (let i = 0; i < 6; i++) wg.go(t.span, 300);
      const spans = (await wg.wait()).map((r) => valueIn(r) as { start: number; end: number });
      const events = spans.flatMap((s) => [
        [s.start, 1],
        [s.end, -1],
      ]) as [number, number][];
      events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      let inFlight = 0;
      let max = 0;
      for (const [, d] of events) {
        inFlight += d;
        max = Math.max(max, inFlight);
      }
      assert.equal(max, 2, `expected exactly 2 tasks in flight at most, measured ${max}`);
      await wg.close();
    },
  },
  {
    id: 'bootstrap-once',
    title: 'the bootstrap runs once per worker, before its first task',
    timeout: 60_000,
    async run(ctx) {
      const wg = await group(ctx.driver({ concurrency: 2, bootstrap: fixture('boot-count.js') }));
      for (let i = 0; i < 6; i++) wg.go(t.bootInfo, 30);
      const infos = (await wg.wait()).map((r) => valueIn(r) as { worker: string; boots: number });
      for (const info of infos)
        assert.equal(info.boots, 1, `worker ${info.worker} ran the bootstrap ${info.boots} times`);
      await wg.close();
    },
  },
  {
    id: 'bootstrap-failure',
    title: 'a failing bootstrap fails every slot with kind "bootstrap" and its cause',
    timeout: 60_000,
    async run(ctx) {
      const wg = await group(ctx.driver({ concurrency: 2, bootstrap: fixture('boot-fail.js') }));
      for (let i = 0; i < 3; i++) wg.go(t.add, i, i);
      for (const r of await wg.wait()) {
        const f = failureOf(r);
        assert.equal(f.kind, 'bootstrap');
        assert.match(f.message, /bootstrap exploded on purpose/);
      }
      await wg.close();
    },
  },
  {
    id: 'many-tasks',
    title: 'many tasks all succeed, in order',
    timeout: 300_000,
    async run(ctx) {
      const wg = await group(ctx.driver({ concurrency: 4 }));
      for (let i = 0; i < ctx.manyTasks; i++) wg.go(t.add, i, 1);
      const results = await wg.wait();
      assert.equal(results.length, ctx.manyTasks);
      for (const [i, r] of results.entries()) assert.equal(valueIn(r), i + 1);
      await wg.close();
    },
  },
];
