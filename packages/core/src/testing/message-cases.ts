/**
 * The conformance cases of a task's two-way messages with its caller (issue 18, docs/channels.md):
 * order per direction, snapshots and unportable messages, the window held against a flooding task,
 * messages after the slot settled, `receive()` / `messages()` stopped by a timeout or an abort, a task
 * that never reads, and a task that forges credits to flood its caller. Tasks are inline: they use
 * `taskContext` by name, as the runtime provides it to every inline task.
 */
import assert from 'node:assert/strict';
import { taskContext } from '../context.js';
import { isCaptureError } from '../errors.js';
import { MESSAGE_WINDOW } from '../message-frames.js';
import type { Result } from '../result.js';
import { WaitGroup } from '../wait-group.js';
import type { CaseContext, ConformanceCase } from './case-types.js';
import { forgeCredits } from './fixtures/message-tasks.js';

/**
 * Why a driver that does not carry task messages (yet) lists every case of this file as unsupported.
 *
 * @example
 * ```ts
 * unsupported: Object.fromEntries(MESSAGE_CASE_IDS.map((id) => [id, { reason: NO_MESSAGES_REASON }]))
 * ```
 */
export const NO_MESSAGES_REASON =
  'this driver does not carry task messages yet (JobHandle.toTask / JobSink.fromTask): taskContext().send() and wg.send() say so';

function text(r: Result<unknown> | undefined): string {
  if (r === undefined) return 'no result';
  return r.ok
    ? `the value ${JSON.stringify(r.value)}`
    : `${r.error.kind} ${r.error.name}: ${r.error.message}`;
}

function group(ctx: CaseContext, extra: ConstructorParameters<typeof WaitGroup>[0] = {}): WaitGroup {
  return new WaitGroup({ driver: ctx.driver({ concurrency: 2 }), config: false, timeout: 60_000, ...extra });
}

/** Waits for `check` (polled every 5 ms) for at most `ms`; false past it. */
async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}

const ORDER_CASE: ConformanceCase = {
  id: 'messages-order',
  title:
    'messages arrive in order both ways past the window (task->caller through messages(slot), caller->task through receive/messages), progress keeps the latest',
  timeout: 60_000,
  async run(ctx) {
    const wg = group(ctx);
    const n = MESSAGE_WINDOW * 3;
    const slot = wg.go(async (count: number) => {
      const c = taskContext();
      for (let i = 0; i < count; i++) await c.send(i);
      c.progress({ sent: count });
      const got: number[] = [];
      for await (const m of c.messages()) {
        if (m === null) break;
        got.push(m as number);
      }
      return got;
    }, n);
    const received: unknown[] = [];
    const reading = (async () => {
      for await (const m of wg.messages(slot)) received.push(m);
    })();
    for (let i = 0; i < n; i++) await wg.send(slot, i);
    await wg.send(slot, null);
    const [r] = await wg.wait();
    await reading;
    const expected = Array.from({ length: n }, (_, i) => i);
    assert.ok(r?.ok, text(r));
    assert.deepEqual(r.value, expected, 'caller->task order');
    assert.deepEqual(received, expected, 'task->caller order');
    assert.deepEqual(wg.progress(slot), { sent: n });
    assert.equal(wg.droppedMessages, 0);
  },
};

const CLONE_CASE: ConformanceCase = {
  id: 'messages-clone',
  title:
    'messages are snapshots both ways; an unportable one rejects that send() with a CaptureError (caller side) or fails it in the task, never the group',
  timeout: 60_000,
  async run(ctx) {
    const wg = group(ctx);
    const slot = wg.go(async () => {
      const c = taskContext();
      const mine = { n: 1 };
      const sent = c.send(mine);
      mine.n = 2; // after send(): the caller must see 1
      await sent;
      let taskSide = 'no error';
      try {
        await c.send(() => 1);
      } catch (err) {
        taskSide = (err as Error).name;
      }
      const first = (await c.receive()) as { n: number };
      return { taskSide, first: first.n };
    });
    const object = { n: 10 };
    const sending = wg.send(slot, object);
    object.n = 11; // after send(): the task must see 10
    await sending;
    const bad = await wg
      .send(slot, () => 1)
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    assert.ok(isCaptureError(bad), `wg.send() of a function: ${String(bad)}`);
    const [r] = await wg.wait();
    assert.ok(r?.ok, text(r));
    assert.deepEqual(r.value, { taskSide: 'CaptureError', first: 10 });
    const seen: unknown[] = [];
    for await (const m of wg.messages(slot)) seen.push(m);
    assert.deepEqual(seen, [{ n: 1 }]);
  },
};

const WINDOW_CASE: ConformanceCase = {
  id: 'messages-window',
  title:
    'a task flooding a caller that does not read waits at the window: at most MESSAGE_WINDOW messages reach the caller (64 x 64 KiB; heap growth bounded), then it resumes as the caller reads',
  timeout: 120_000,
  async run(ctx) {
    const wg = group(ctx);
    const total = 1_000;
    const size = 64 * 1024;
    const before = process.memoryUsage();
    const slot = wg.go(
      async (count: number, bytes: number) => {
        const c = taskContext();
        const payload = 'x'.repeat(bytes);
        let sent = 0;
        for (; sent < 64; sent++) await c.send(payload);
        c.progress(sent);
        // The window is full and the caller has read nothing: this send waits, and the caller's probe
        // (sent once it saw progress 64) comes first.
        const next = c.send(payload).then(() => 'sent');
        const first = await Promise.race([next, c.receive().then(() => 'probe')]);
        await next;
        sent++;
        for (; sent < count; sent++) await c.send(payload);
        return first;
      },
      total,
      size,
    );
    // (or until the slot settled: a driver that fails the task must not cost the wait)
    const blocked = await until(() => wg.progress(slot) === MESSAGE_WINDOW || wg.count === 0, 30_000);
    assert.ok(
      blocked,
      `the task did not report ${MESSAGE_WINDOW} sends (progress ${String(wg.progress(slot))})`,
    );
    const during = process.memoryUsage();
    await wg.send(slot, 'probe');
    let count = 0;
    for await (const m of wg.messages(slot)) {
      assert.equal((m as string).length, size);
      count++;
    }
    const [r] = await wg.wait();
    assert.ok(r?.ok, text(r));
    assert.equal(r.value, 'probe', 'a send past the window resolved before the caller read anything');
    assert.equal(count, total);
    // Unbounded, the caller would hold total x 64 KiB = 62.5 MiB here; the window bounds it to 4 MiB.
    const grown = during.heapUsed + during.external - before.heapUsed - before.external;
    assert.ok(grown < 40 * 1024 * 1024, `the caller's memory grew by ${(grown / 2 ** 20).toFixed(1)} MiB`);
  },
};

const AFTER_SETTLE_CASE: ConformanceCase = {
  id: 'messages-after-settle',
  title:
    'messages buffered before the slot settled are still yielded, then messages(slot) ends; a send after it settled resolves, dropped and counted',
  timeout: 60_000,
  async run(ctx) {
    const wg = group(ctx);
    const slot = wg.go(async () => {
      const c = taskContext();
      for (const m of ['a', 'b', 'c']) await c.send(m);
      return 'done';
    });
    const [r] = await wg.wait();
    assert.ok(r?.ok && r.value === 'done', text(r));
    const seen: unknown[] = [];
    for await (const m of wg.messages(slot)) seen.push(m);
    assert.deepEqual(seen, ['a', 'b', 'c']);
    await wg.send(slot, 'late');
    await wg.send(slot, 'later');
    assert.equal(wg.droppedMessages, 2);
  },
};

const STOPPED_CASE: ConformanceCase = {
  id: 'messages-receive-stopped',
  title:
    'a task waiting in receive() is stopped by its timeout, one in messages() by an abort: the slots settle (timeout, aborted) and the driver keeps serving',
  timeout: 60_000,
  async run(ctx) {
    const timed = group(ctx, { timeout: 300 });
    timed.go(async () => taskContext().receive());
    const started = Date.now();
    const [t] = await timed.wait();
    assert.ok(t && !t.ok && t.error.kind === 'timeout', text(t));
    assert.ok(Date.now() - started < 20_000, 'the timeout took too long');
    const aborted = group(ctx);
    const slot = aborted.go(async () => {
      const c = taskContext();
      c.progress('reading');
      for await (const m of c.messages()) void m;
      return 'ended';
    });
    const reading = await until(() => aborted.progress(slot) === 'reading' || aborted.count === 0, 30_000);
    assert.ok(reading && aborted.count === 1, 'the task never started reading');
    aborted.abort('stop');
    const [a] = await aborted.wait();
    assert.ok(a && !a.ok && a.error.kind === 'aborted', text(a));
    const next = group(ctx);
    next.go((x: number) => x + 1, 41);
    const [after] = await next.wait();
    assert.ok(after?.ok && after.value === 42, text(after));
  },
};

const NO_READER_CASE: ConformanceCase = {
  id: 'messages-never-read',
  title:
    'a task that never reads does not block its caller: 3 x MESSAGE_WINDOW sends all settle, wait() completes, the ones that never got in are dropped and counted',
  timeout: 60_000,
  async run(ctx) {
    const wg = group(ctx);
    const slot = wg.go(async () => {
      taskContext().progress('up');
      await new Promise((resolve) => setTimeout(resolve, 20));
      return 'ignored them';
    });
    const n = MESSAGE_WINDOW * 3;
    const sends = Array.from({ length: n }, (_, i) => wg.send(slot, i));
    const [r] = await wg.wait();
    assert.ok(r?.ok && r.value === 'ignored them', text(r));
    await Promise.all(sends);
    assert.ok(
      wg.droppedMessages >= n - MESSAGE_WINDOW,
      `dropped ${wg.droppedMessages} of ${n} (at most ${MESSAGE_WINDOW} may have got in)`,
    );
  },
};

const FORGED_CASE: ConformanceCase = {
  id: 'messages-forged-credits',
  title:
    'a task that forges credits to flood its caller past the window fails its own slot (crashed, ChannelError); the sibling and the driver are unharmed',
  timeout: 60_000,
  async run(ctx) {
    const wg = group(ctx);
    wg.go(forgeCredits, 1_000);
    wg.go(async (ms: number) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return 'sibling';
    }, 100);
    const [hit, sibling] = await wg.wait();
    assert.ok(hit && !hit.ok, `the flood went unnoticed: ${text(hit)}`);
    assert.equal(hit.error.kind, 'crashed', text(hit));
    assert.equal(hit.error.name, 'ChannelError', text(hit));
    assert.match(hit.error.message, /message window/);
    assert.ok(sibling?.ok && sibling.value === 'sibling', text(sibling));
    const next = group(ctx);
    next.go((x: number) => x * 2, 21);
    const [after] = await next.wait();
    assert.ok(after?.ok && after.value === 42, text(after));
  },
};

/**
 * Every case of a task's two-way messages, in the order they run (appended to the registry).
 *
 * @example
 * ```ts
 * for (const c of MESSAGE_CASES) await c.run(ctx);
 * ```
 */
export const MESSAGE_CASES: readonly ConformanceCase[] = [
  ORDER_CASE,
  CLONE_CASE,
  WINDOW_CASE,
  AFTER_SETTLE_CASE,
  STOPPED_CASE,
  NO_READER_CASE,
  FORGED_CASE,
];

/**
 * The ids of {@link MESSAGE_CASES}, for a driver's expectation table.
 *
 * @example
 * ```ts
 * MESSAGE_CASE_IDS.includes('messages-order'); // true
 * ```
 */
export const MESSAGE_CASE_IDS: readonly string[] = MESSAGE_CASES.map((c) => c.id);
