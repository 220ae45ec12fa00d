/**
 * Conformance cases for stopping work: per-task timeouts (counted from the start, preempting CPU work)
 * and aborting a group by method or signal.
 */
import assert from 'node:assert/strict';
import { assertStillServing, failureOf, group, valueIn } from './case-helpers.js';
import type { ConformanceCase } from './case-types.js';
import * as t from './fixtures/tasks.js';

/** Timeouts and aborts. */
export const TIMEOUT_ABORT_CASES: readonly ConformanceCase[] = [
  {
    id: 'timeout',
    title: 'a task past its timeout fails with kind "timeout"; its siblings succeed',
    timeout: 30_000,
    async run(ctx) {
      // 2 s leaves the fast sibling ample slack on a busy machine; the slow one would need 10 s.
      const wg = await group(ctx.driver({ concurrency: 2 }), { timeout: 2_000 });
      wg.go(t.sleepThen, 10_000, 'too slow');
      wg.go(t.sleepThen, 20, 'fast');
      const [slow, fast] = await wg.wait();
      const f = failureOf(slow);
      assert.equal(f.kind, 'timeout');
      assert.equal(valueIn(fast), 'fast');
      await wg.close();
    },
  },
  {
    id: 'timeout-from-start',
    title: 'the timeout counts from the moment the task starts, not from go()',
    timeout: 30_000,
    async run(ctx) {
      // Each task runs 1.5 s of its own 2.9 s (1.4 s of slack on a busy machine); counted from go(), the
      // second would need at least 3 s (1.5 s queued + 1.5 s running) and time out, whatever the machine.
      const wg = await group(ctx.driver({ concurrency: 1 }), { timeout: 2_900 });
      wg.go(t.sleepThen, 1_500, 'first');
      wg.go(t.sleepThen, 1_500, 'second');
      const [a, b] = await wg.wait();
      assert.equal(valueIn(a), 'first');
      assert.equal(valueIn(b), 'second');
      await wg.close();
    },
  },
  {
    id: 'timeout-stops-sync-work',
    title: 'a synchronous infinite loop is stopped by the timeout and the driver keeps serving',
    timeout: 30_000,
    // A passing run ends about 2 s after the start (the timeout) plus a worker start; a model that
    // cannot preempt the loop never ends it, so its sacrificial child is called hung after 12 s.
    childLimitMs: 12_000,
    async run(ctx) {
      const driver = ctx.driver({ concurrency: 2 });
      const wg = await group(driver, { timeout: 2_000 });
      wg.go(t.spinForever);
      wg.go(t.sleepThen, 50, 'sibling');
      const [spin, sibling] = await wg.wait();
      assert.equal(failureOf(spin).kind, 'timeout');
      assert.equal(valueIn(sibling), 'sibling');
      await assertStillServing(driver);
      await wg.close();
    },
  },
  {
    id: 'timeout-preempts-cpu',
    title: 'a synchronous task is cut off at its timeout, not when it finishes',
    timeout: 60_000,
    async run(ctx) {
      const wg = await group(ctx.driver({ concurrency: 1 }), { timeout: 200 });
      const started = performance.now();
      // The task would spin 8 s; settling within half of that (worker start-up included, on a busy
      // machine) can only mean it was cut off.
      wg.go(t.spinFor, 8_000);
      const [r] = await wg.wait();
      const elapsed = performance.now() - started;
      assert.equal(failureOf(r).kind, 'timeout');
      assert.ok(
        elapsed < 4_000,
        `the slot settled after ${Math.round(elapsed)} ms, not near its 200 ms timeout`,
      );
      await wg.close();
    },
  },
  {
    id: 'abort-method',
    title: 'abort() fails every unfinished slot with kind "aborted"; later go() calls too',
    timeout: 30_000,
    async run(ctx) {
      const wg = await group(ctx.driver({ concurrency: 1 }));
      wg.go(t.add, 1, 2);
      const [first] = await wg.wait();
      assert.equal(valueIn(first), 3);
      wg.go(t.sleepThen, 10_000, 'running');
      wg.go(t.sleepThen, 10_000, 'queued');
      const started = performance.now();
      setTimeout(() => wg.abort('user pressed stop'), 200);
      const results = await wg.wait();
      assert.ok(performance.now() - started < 5_000, 'abort must not wait for the work to finish');
      assert.equal(valueIn(results[0]), 3);
      for (const r of results.slice(1)) {
        const f = failureOf(r);
        assert.equal(f.kind, 'aborted');
        assert.match(f.message, /user pressed stop/);
      }
      const late = wg.go(t.add, 1, 1);
      assert.equal(failureOf((await wg.wait())[late]).kind, 'aborted');
      await wg.close();
    },
  },
  {
    id: 'abort-signal',
    title: 'an AbortSignal aborts the group; an already-aborted signal aborts every slot',
    timeout: 30_000,
    async run(ctx) {
      const driver = ctx.driver({ concurrency: 2 });
      const controller = new AbortController();
      const wg = await group(driver, { signal: controller.signal });
      wg.go(t.sleepThen, 10_000, 'a');
      wg.go(t.sleepThen, 10_000, 'b');
      setTimeout(() => controller.abort(new Error('request cancelled')), 200);
      for (const r of await wg.wait()) {
        const f = failureOf(r);
        assert.equal(f.kind, 'aborted');
        assert.match(f.message, /request cancelled/);
      }
      await wg.close();
      const pre = await group(driver, { signal: AbortSignal.abort('gone') });
      pre.go(t.add, 1, 1);
      assert.equal(failureOf((await pre.wait())[0]).kind, 'aborted');
      await pre.close();
      await assertStillServing(driver);
    },
  },
];
