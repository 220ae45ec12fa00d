/**
 * The conformance cases for a task that attacks its worker's channel to the driver by writing to the
 * descriptors a child process's channel uses (fds 3..9): garbage, a frame header announcing ~4 GiB, and
 * answers forged in every framing an attacker may guess (and through `process.send`). Whatever it does:
 * the host survives, the slot is a proper `Result` — a `crashed` failure, never the forged value nor a
 * result swallowed into "exited before sending a result" — a sibling task succeeds, and the driver
 * keeps serving.
 *
 * In-process drivers (`thread`, `pool` threads, `cooperative`) share the host's descriptors: there fds
 * 3..9 are the host's own event loop and files, which a task can always break; they list these cases
 * as unsupported (the thread channel's own attacks, `postMessage` of wrong shapes, are other cases).
 */
import assert from 'node:assert/strict';
import type { Result } from '../result.js';
import type { TaskSpec } from '../task.js';
import { WaitGroup } from '../wait-group.js';
import type { CaseContext, ConformanceCase } from './cases.js';
import * as h from './fixtures/hostile-channel.js';
import * as t from './fixtures/tasks.js';

/** The headline every channel failure has (driver-kit's `channelCorruptedFailure`). */
const CHANNEL_HEADLINE = /^the task corrupted the channel between its .+ and the driver: /;

function describe(r: Result<unknown> | undefined): string {
  if (r === undefined) return 'no result';
  return r.ok
    ? `the value ${JSON.stringify(r.value)}`
    : `${r.error.kind} ${r.error.name}: ${r.error.message}`;
}

async function attack(ctx: CaseContext, task: TaskSpec | ((...args: never[]) => unknown)): Promise<void> {
  const driver = ctx.driver({ concurrency: 2 });
  const wg = new WaitGroup({ driver, config: false, timeout: 60_000 });
  wg.go(task as () => unknown);
  wg.go(t.sleepThen, 200, 'sibling');
  const [hit, sibling] = await wg.wait();
  assert.ok(
    hit !== undefined && typeof hit.ok === 'boolean',
    `the attacked slot is not a Result: ${describe(hit)}`,
  );
  assert.equal(hit.ok, false, `the attack went unnoticed: ${describe(hit)}`);
  const failure = (hit as { error: { kind: string; name: string; code?: unknown; message: string } }).error;
  assert.equal(failure.kind, 'crashed', describe(hit));
  assert.equal(failure.name, 'ChannelError', describe(hit));
  assert.equal(failure.code, 'ERR_ISOLANE_CHANNEL', describe(hit));
  assert.match(failure.message, CHANNEL_HEADLINE);
  assert.deepEqual(
    sibling,
    { ok: true, value: 'sibling', ms: (sibling as { ms: number }).ms },
    describe(sibling),
  );
  // The driver keeps serving.
  const next = new WaitGroup({ driver, config: false, timeout: 60_000 });
  next.go(t.add, 20, 22);
  const [after] = await next.wait();
  assert.equal(after?.ok && after.value, 42, `the next task: ${describe(after)}`);
}

/**
 * Garbage on fds 3..9 (Node's IPC channel was fd 3: its parser threw in the host's event loop).
 *
 * @example
 * ```ts
 * await HOSTILE_GARBAGE_CASE.run(ctx);
 * ```
 */
export const HOSTILE_GARBAGE_CASE: ConformanceCase = {
  id: 'hostile-channel-garbage',
  title:
    'a task that writes garbage to fds 3..9 fails its own slot (crashed, ChannelError); host, sibling, driver unharmed',
  timeout: 120_000,
  run: (ctx) => attack(ctx, h.garbageOnChannel),
};

/**
 * A frame header announcing ~4 GiB on fds 3..9 (Node's IPC waited for it, swallowing the result).
 *
 * @example
 * ```ts
 * await HOSTILE_HUGE_HEADER_CASE.run(ctx);
 * ```
 */
export const HOSTILE_HUGE_HEADER_CASE: ConformanceCase = {
  id: 'hostile-channel-huge-header',
  title:
    'a task that writes a ~4 GiB frame header to fds 3..9 fails its own slot (not "exited before sending a result")',
  timeout: 120_000,
  run: (ctx) => attack(ctx, h.hugeFrameHeader),
};

/**
 * Well-formed forged answers on fds 3..9 and through `process.send` (Node's IPC took one for the result).
 *
 * @example
 * ```ts
 * await HOSTILE_FORGED_ANSWER_CASE.run(ctx);
 * ```
 */
export const HOSTILE_FORGED_ANSWER_CASE: ConformanceCase = {
  id: 'hostile-channel-forged-answer',
  title: 'a task that writes well-formed forged answers to fds 3..9 never gets them taken for its result',
  timeout: 120_000,
  run: (ctx) => attack(ctx, h.forgedAnswer),
};

/** The hostile-channel cases, in the order they run. */
export const HOSTILE_CHANNEL_CASES: readonly ConformanceCase[] = [
  HOSTILE_GARBAGE_CASE,
  HOSTILE_HUGE_HEADER_CASE,
  HOSTILE_FORGED_ANSWER_CASE,
];

/** Why an in-process driver lists the hostile-channel cases as unsupported. */
export const HOSTILE_CHANNEL_IN_PROCESS_REASON =
  "the task runs in the host process: fds 3..9 are the host's own (its event loop, its files), which no driver can protect from a task writing to them";
