/**
 * Conformance cases for results and failures: order, one result per go(), module tasks, thrown errors of
 * every shape, unserializable results and argument snapshots.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../os-probes.js';
import type { Result } from '../result.js';
import { failureOf, fixture, group, valueIn } from './case-helpers.js';
import type { ConformanceCase } from './case-types.js';
import * as t from './fixtures/tasks.js';

/** Results in order, and failures that keep what was thrown. */
export const RESULT_CASES: readonly ConformanceCase[] = [
  {
    id: 'order',
    title: 'wait() gives results in go() order; iteration gives completion order',
    timeout: 30_000,
    async run(ctx) {
      const wg = await group(ctx.driver({ concurrency: 4 }));
      // Each task completes when the suite opens its gate, once all four have started: the order is
      // the suite's, whatever the time a worker takes to start on a busy machine.
      const dir = mkdtempSync(join(tmpdir(), 'isolane-order-'));
      try {
        for (const i of [0, 1, 2, 3]) wg.go(t.gateThen, dir, i);
        const started = () => [0, 1, 2, 3].every((i) => existsSync(join(dir, `started-${i}`)));
        assert.ok(await eventually(started, 25_000), 'all four tasks started');
        const completions: number[] = [];
        const iterator = wg[Symbol.asyncIterator]();
        for (const i of [1, 3, 2, 0]) {
          writeFileSync(join(dir, `go-${i}`), '');
          const next = await iterator.next();
          assert.equal(next.done, false);
          const { index, result } = next.value as { index: number; result: Result<unknown> };
          assert.equal(valueIn(result), index);
          completions.push(index);
        }
        assert.equal((await iterator.next()).done, true);
        const results = await wg.wait();
        assert.deepEqual(
          results.map((r) => valueIn(r)),
          [0, 1, 2, 3],
        );
        assert.deepEqual(completions, [1, 3, 2, 0]);
      } finally {
        await wg.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  {
    id: 'one-result-per-go',
    title: 'exactly one result per go(), whatever happens',
    timeout: 30_000,
    async run(ctx) {
      const wg = await group(ctx.driver({ concurrency: 3 }), { timeout: 2_000 });
      const indexes = [
        wg.go(t.add, 1, 1),
        wg.go(t.throwCustom, 'x'),
        wg.go(t.returnUnserializable, 'function'),
        wg.go(t.sleepThen, 50, 'ok'),
        wg.go(t.rejectLater, 'no'),
      ];
      assert.deepEqual(indexes, [0, 1, 2, 3, 4]);
      assert.equal(wg.count, 5);
      let seen = 0;
      for await (const _ of wg) seen++;
      assert.equal(seen, 5);
      assert.equal(wg.count, 0);
      assert.equal((await wg.wait()).length, 5);
      assert.equal((await wg.wait()).length, 5, 'a second wait() returns the same results');
      await wg.close();
    },
  },
  {
    id: 'module-task',
    title: 'module tasks run by URL + export name; a wrong export name fails as SpawnError',
    timeout: 30_000,
    async run(ctx) {
      const { realName } = (await import(fixture('missing-export.js'))) as {
        realName: (x: number) => number;
      };
      const wg = await group(ctx.driver());
      wg.go(t.add, 2, 3);
      wg.go(realName, 1);
      const [ok, missing] = await wg.wait();
      assert.equal(valueIn(ok), 5);
      const f = failureOf(missing);
      assert.equal(f.name, 'SpawnError');
      assert.match(f.message, /otherName/);
      await wg.close();
    },
  },
  {
    id: 'custom-error',
    title: 'a custom error class keeps name, message, code, stack and cause',
    timeout: 30_000,
    async run(ctx) {
      const wg = await group(ctx.driver());
      wg.go(t.throwCustom, 'domain rule broken');
      const f = failureOf((await wg.wait())[0]);
      assert.equal(f.kind, 'threw');
      assert.equal(f.name, 'MyDomainError');
      assert.equal(f.message, 'domain rule broken');
      assert.equal(f.code, 'E_DOMAIN');
      assert.match(f.stack ?? '', /MyDomainError: domain rule broken/);
      assert.match(f.stack ?? '', /tasks\.(js|ts)/, 'the stack is the worker-side stack');
      assert.equal(f.cause?.name, 'TypeError');
      assert.equal(f.cause?.message, 'root cause');
      assert.deepEqual(JSON.parse(JSON.stringify(f)), f, 'a failure survives JSON');
      assert.deepEqual(structuredClone(f), f, 'a failure survives structured clone');
      await wg.close();
    },
  },
  {
    id: 'async-rejection',
    title: 'an async rejection fails its slot with kind "threw"',
    timeout: 30_000,
    async run(ctx) {
      const wg = await group(ctx.driver());
      wg.go(t.rejectLater, 'later');
      const f = failureOf((await wg.wait())[0]);
      assert.equal(f.kind, 'threw');
      assert.equal(f.name, 'RangeError');
      assert.equal(f.message, 'later');
      await wg.close();
    },
  },
  {
    id: 'non-error-throws',
    title: 'throwing a string, a number, an object or undefined still gives a useful failure',
    timeout: 30_000,
    async run(ctx) {
      const wg = await group(ctx.driver());
      for (const which of ['string', 'number', 'object', 'undefined'] as const) wg.go(t.throwValue, which);
      const [s, n, o, u] = (await wg.wait()).map(failureOf);
      assert.equal(s?.kind, 'threw');
      assert.equal(s?.message, 'x');
      assert.match(n?.message ?? '', /42/);
      assert.match(o?.message ?? '', /"a":1/);
      assert.match(u?.message ?? '', /undefined/);
      await wg.close();
    },
  },
  {
    id: 'unserializable-result',
    title: 'a result that cannot be sent back fails with kind "unserializable"',
    timeout: 30_000,
    async run(ctx) {
      const wg = await group(ctx.driver());
      wg.go(t.returnUnserializable, 'function');
      wg.go(t.returnUnserializable, 'class');
      wg.go(t.add, 1, 1);
      const [fn, cls, ok] = await wg.wait();
      assert.equal(failureOf(fn).kind, 'unserializable');
      assert.equal(failureOf(cls).kind, 'unserializable');
      assert.equal(valueIn(ok), 2);
      await wg.close();
    },
  },
  {
    id: 'argument-snapshot',
    title: 'mutating an argument after go() never changes what the task sees',
    timeout: 30_000,
    async run(ctx) {
      const wg = await group(ctx.driver({ concurrency: 1 }));
      const arg = { n: 1, list: [1, 2] };
      wg.go(t.sleepThen, 100, 'first'); // keeps the only slot busy, so the next task waits
      wg.go(t.echo, arg);
      arg.n = 999;
      arg.list.push(3);
      const [, r] = await wg.wait();
      assert.deepEqual(valueIn(r), { n: 1, list: [1, 2] });
      await wg.close();
    },
  },
];
