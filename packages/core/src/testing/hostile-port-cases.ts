/**
 * The conformance cases for a task that posts garbage and forged answers on every port and channel it
 * can reach — a worker's `parentPort`, any MessagePort in `workerData`, `process.send` — now, and from a
 * timer after it returned. Whatever it posts: the host survives, its slot is a proper `Result` (its
 * own value, or driver-kit's channel failure), never `null` and never a forged value; its siblings and
 * the tasks after it get their own values; the driver keeps serving.
 *
 * The drivers' channels are private (a thread's and a pool thread's MessagePort comes in the worker's
 * first message, before any task; a process's channel is keyed or framed), so the attack normally
 * reaches nothing that is read. Under `cooperative` the task runs in the caller's own thread, where
 * the channels it could find are the host's (under Vitest, its runner's): the task attacks nothing there
 * and says so (`'in-process'`) — an in-process task is not contained (see the cooperative README).
 */
import assert from 'node:assert/strict';
import { threadId } from 'node:worker_threads';
import type { Result } from '../result.js';
import { WaitGroup } from '../wait-group.js';
import type { CaseContext, ConformanceCase } from './cases.js';
import * as p from './fixtures/port-tasks.js';
import * as t from './fixtures/tasks.js';

const HOST: p.HostPlace = { pid: process.pid, threadId };

function show(r: Result<unknown> | undefined): string {
  if (r === undefined) return 'no result';
  try {
    return r.ok
      ? `the value ${JSON.stringify(r.value)}`
      : `${r.error.kind} ${r.error.name}: ${r.error.message}`;
  } catch {
    return String(r);
  }
}

/** The attacker's slot: a proper Result — its own value, or the channel failure — never a forgery. */
function assertAttackerSlot(r: Result<unknown> | undefined): void {
  assert.ok(
    typeof r === 'object' && r !== null && typeof r.ok === 'boolean' && typeof r.ms === 'number',
    `the attacker's slot is not a Result: ${show(r)}`,
  );
  if (r.ok) {
    const value = (r.value as { value?: unknown } | null)?.value;
    assert.ok(value === 'REAL' || value === 'in-process', `the attacker's slot holds ${show(r)}`);
    return;
  }
  assert.equal(r.error.kind, 'crashed', show(r));
  assert.equal(r.error.code, 'ERR_ISOLANE_CHANNEL', show(r));
}

async function assertStillServing(ctx: CaseContext, driver = ctx.driver()): Promise<void> {
  const wg = new WaitGroup({ driver, config: false, timeout: 60_000 });
  wg.go(t.add, 20, 22);
  const [r] = await wg.wait();
  assert.equal(r?.ok && r.value, 42, `the next task: ${show(r)}`);
  await wg.close();
}

/**
 * Garbage and forged answers posted while the task runs.
 *
 * @example
 * ```ts
 * await HOSTILE_PORT_NOW_CASE.run(ctx);
 * ```
 */
export const HOSTILE_PORT_NOW_CASE: ConformanceCase = {
  id: 'hostile-port-messages',
  title:
    'a task posting null, garbage and forged answers on parentPort, workerData ports and process.send gets a proper Result; siblings and host unharmed',
  timeout: 120_000,
  async run(ctx) {
    const driver = ctx.driver({ concurrency: 3 });
    const wg = new WaitGroup({ driver, config: false, timeout: 60_000 });
    wg.go(t.sleepThen, 200, 'sibling-a');
    wg.go(p.postOnEveryPort, HOST, 'now');
    wg.go(t.sleepThen, 200, 'sibling-b');
    wg.go(t.add, 1, 2);
    const [a, attacker, b, sum] = await wg.wait();
    await wg.close();
    assertAttackerSlot(attacker);
    assert.equal(a?.ok && a.value, 'sibling-a', show(a));
    assert.equal(b?.ok && b.value, 'sibling-b', show(b));
    assert.equal(sum?.ok && sum.value, 3, show(sum));
    await assertStillServing(ctx, driver);
  },
};

/**
 * Garbage and forged answers posted from a timer after the task returned, while the tasks after it run
 * (on a pool: on the same worker).
 *
 * @example
 * ```ts
 * await HOSTILE_PORT_LATER_CASE.run(ctx);
 * ```
 */
export const HOSTILE_PORT_LATER_CASE: ConformanceCase = {
  id: 'hostile-port-messages-later',
  title:
    'forged answers a task posts after it returned never become the next tasks’ results; they get their own values',
  timeout: 120_000,
  async run(ctx) {
    const driver = ctx.driver({ concurrency: 1 });
    const wg = new WaitGroup({ driver, config: false, timeout: 60_000 });
    wg.go(p.postOnEveryPort, HOST, 'later');
    const followers = 6;
    for (let i = 0; i < followers; i++) wg.go(t.sleepThen, 25, `after-${i}`);
    const [attacker, ...rest] = await wg.wait();
    await wg.close();
    assertAttackerSlot(attacker);
    for (const [i, r] of rest.entries()) {
      assert.equal(r?.ok && r.value, `after-${i}`, `follower ${i}: ${show(r)}`);
    }
    await assertStillServing(ctx, driver);
  },
};

/** The hostile-port cases, in the order they run. */
export const HOSTILE_PORT_CASES: readonly ConformanceCase[] = [
  HOSTILE_PORT_NOW_CASE,
  HOSTILE_PORT_LATER_CASE,
];
