/**
 * Conformance cases for a task that takes its worker down (exit, uncaught throw, unhandled rejection,
 * out of memory, a late throw): only its own slot fails and the driver keeps serving.
 */
import assert from 'node:assert/strict';
import type { DriverSettings } from '../driver.js';
import type { TaskFailure } from '../failure.js';
import type { WaitGroup } from '../wait-group.js';
import { assertStillServing, failureOf, group, valueIn } from './case-helpers.js';
import type { CaseContext, ConformanceCase } from './case-types.js';
import * as t from './fixtures/tasks.js';

/** Runs a crashing task next to healthy siblings; returns the crash's failure. */
async function crashWithSiblings(
  ctx: CaseContext,
  crash: (wg: WaitGroup) => void,
  settings: Partial<DriverSettings> = {},
) {
  const driver = ctx.driver({ concurrency: 3, ...settings });
  const wg = await group(driver, { timeout: 20_000 });
  wg.go(t.sleepThen, 300, 'sibling-a');
  crash(wg);
  wg.go(t.sleepThen, 300, 'sibling-b');
  wg.go(t.add, 1, 2);
  const results = await wg.wait();
  assert.equal(valueIn(results[0]), 'sibling-a');
  assert.equal(valueIn(results[2]), 'sibling-b');
  assert.equal(valueIn(results[3]), 3);
  await assertStillServing(driver);
  return failureOf(results[1]);
}

/** Crashes fail one slot only. */
export const CRASH_CASES: readonly ConformanceCase[] = [
  {
    id: 'process-exit',
    title: 'process.exit(3) in a task fails only its slot (kind "crashed", exitCode 3)',
    timeout: 60_000,
    async run(ctx) {
      const f = await crashWithSiblings(ctx, (wg) => wg.go(t.exitWith, 3));
      assert.equal(f.kind, 'crashed');
      assert.equal(f.exitCode, 3);
    },
  },
  {
    id: 'uncaught-async-throw',
    title: 'an uncaught throw from a timer fails only its own slot (kind "threw")',
    timeout: 60_000,
    async run(ctx) {
      const f = await crashWithSiblings(ctx, (wg) => wg.go(t.uncaughtLater, 'boom from a timer'));
      assert.equal(f.kind, 'threw');
      assert.match(f.message, /boom from a timer/);
    },
  },
  {
    id: 'unhandled-rejection',
    title: 'an unhandled rejection fails only its own slot (kind "threw")',
    timeout: 60_000,
    async run(ctx) {
      const f = await crashWithSiblings(ctx, (wg) => wg.go(t.unhandledRejection, 'nobody awaited me'));
      assert.equal(f.kind, 'threw');
      assert.match(f.message, /nobody awaited me/);
    },
  },
  {
    id: 'out-of-memory',
    title: 'exhausting the memory limit fails only its slot (kind "oom")',
    timeout: 120_000,
    childHeapMb: 256,
    async run(ctx) {
      const f = await crashWithSiblings(ctx, (wg) => wg.go(t.allocateForever), { memoryLimitMb: 64 });
      assert.equal(f.kind, 'oom');
    },
  },
  {
    id: 'late-throw',
    title: 'a throw from a timer left behind after returning is reported, never blamed on another task',
    timeout: 60_000,
    async run(ctx) {
      const driver = ctx.driver({ concurrency: 1 });
      const strays: { failure: TaskFailure; slot: number }[] = [];
      const wg = await group(driver, { onError: (failure, slot) => strays.push({ failure, slot }) });
      wg.go(t.lateThrow, 100, 'late boom');
      wg.go(t.sleepThen, 400, 'innocent'); // may share the worker with the late throw
      const [early, innocent] = await wg.wait();
      assert.equal(valueIn(early), 'returned');
      assert.equal(
        valueIn(innocent),
        'innocent',
        'a task must never be blamed for another task’s late error',
      );
      const deadline = Date.now() + 20_000;
      while (strays.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(strays.length, 1, 'the late error must reach the group’s error handler');
      assert.equal(strays[0]?.slot, 0);
      assert.match(strays[0]?.failure.message ?? '', /late boom/);
      await assertStillServing(driver);
      await wg.close();
    },
  },
];
