/**
 * The conformance cases for aborting with any reason: a group aborted with a reason that has no text
 * (no prototype, a throwing `toString` or `message` getter, a Proxy that throws on every trap, a
 * revoked Proxy) is aborted like any other — no exception in the caller or inside the signal's event
 * dispatch, every open slot `aborted` with a readable message — and a `go()` on an aborted group
 * leaves the caller's transferred buffers attached, under every driver.
 */
import assert from 'node:assert/strict';
import type { Driver } from '../driver.js';
import type { TaskFailure } from '../failure.js';
import type { Result } from '../result.js';
import { transfer } from '../transfer.js';
import { WaitGroup } from '../wait-group.js';
import type { ConformanceCase } from './cases.js';
import * as t from './fixtures/tasks.js';

/** The message of a group aborted with a reason that has no text. */
const UNPRINTABLE = 'the group was aborted: <unprintable reason>';

function abortedWith(r: Result<unknown> | undefined): TaskFailure {
  assert.ok(r, 'missing result');
  assert.equal(r.ok, false, 'expected the slot to be aborted, it has a value');
  const failure = (r as { error: TaskFailure }).error;
  assert.equal(failure.kind, 'aborted', `kind (message: ${failure.message})`);
  assert.equal(typeof failure.message, 'string');
  return failure;
}

/** Reasons whose inspection throws, each with the message the slots must carry. */
function hostileReasons(): { what: string; reason: unknown; message: string }[] {
  const throwingMessage = new Error('hidden');
  Object.defineProperty(throwingMessage, 'message', {
    get() {
      throw new Error('message getter');
    },
  });
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  const trapsThrow = new Proxy(
    {},
    new Proxy(
      {},
      {
        get: () => () => {
          throw new Error('trap');
        },
      },
    ),
  );
  const toStringThrows = {
    toString() {
      throw new Error('toString');
    },
  };
  return [
    { what: 'a throwing toString', reason: toStringThrows, message: UNPRINTABLE },
    { what: 'a throwing message getter', reason: throwingMessage, message: 'Error' },
    { what: 'a Proxy throwing on every trap', reason: trapsThrow, message: UNPRINTABLE },
    { what: 'a revoked Proxy', reason: revocable.proxy, message: UNPRINTABLE },
  ];
}

async function assertStillServing(driver: Driver): Promise<void> {
  const wg = new WaitGroup({ driver });
  wg.go(t.add, 20, 22);
  const [r] = await wg.wait();
  assert.ok(r?.ok && r.value === 42, 'the driver must keep serving after the abort');
  await wg.close();
}

/**
 * The abort-with-any-reason case (registered in CONFORMANCE_CASES).
 *
 * @example
 * ```ts
 * await ABORT_ANY_REASON_CASE.run(ctx);
 * ```
 */
export const ABORT_ANY_REASON_CASE: ConformanceCase = {
  id: 'abort-any-reason',
  title:
    'a signal aborted with Object.create(null), or abort() with a reason whose text throws, aborts every open slot with a readable message',
  timeout: 60_000,
  async run(ctx) {
    const driver = ctx.driver({ concurrency: 2 });
    const controller = new AbortController();
    const viaSignal = new WaitGroup({ driver, signal: controller.signal });
    viaSignal.go(t.sleepThen, 30_000, 'running');
    viaSignal.go(t.sleepThen, 30_000, 'running too');
    viaSignal.go(t.sleepThen, 30_000, 'queued');
    // Threw inside the EventTarget's dispatch before: an uncaught exception in the host.
    controller.abort(Object.create(null));
    for (const r of await viaSignal.wait()) assert.equal(abortedWith(r).message, UNPRINTABLE);
    await viaSignal.close();
    for (const { what, reason, message } of hostileReasons()) {
      const wg = new WaitGroup({ driver });
      wg.go(t.sleepThen, 30_000, 'running');
      wg.go(t.sleepThen, 30_000, 'queued');
      assert.doesNotThrow(() => wg.abort(reason), `abort() with ${what} must not throw`);
      for (const r of await wg.wait()) assert.equal(abortedWith(r).message, message, what);
      await wg.close();
    }
    await assertStillServing(driver);
  },
};

/**
 * The go()-on-an-aborted-group case (registered in CONFORMANCE_CASES).
 *
 * @example
 * ```ts
 * await ABORTED_GO_KEEPS_BUFFERS_CASE.run(ctx);
 * ```
 */
export const ABORTED_GO_KEEPS_BUFFERS_CASE: ConformanceCase = {
  id: 'aborted-go-keeps-buffers',
  title: 'go() on an aborted group settles its slot aborted and leaves the transferred buffer attached',
  timeout: 30_000,
  async run(ctx) {
    const wg = new WaitGroup({ driver: ctx.driver() });
    wg.abort('stopped');
    const bytes = new Uint8Array(1024).fill(5);
    const index = wg.go(t.checksum, transfer(bytes));
    assert.equal(bytes.byteLength, 1024, 'no task will receive the buffer: it must stay attached');
    assert.equal(bytes[1023], 5);
    assert.equal(abortedWith((await wg.wait())[index]).message, 'stopped');
    await wg.close();
  },
};

/** The abort cases, in the order they run. */
export const ABORT_REASON_CASES: readonly ConformanceCase[] = [
  ABORT_ANY_REASON_CASE,
  ABORTED_GO_KEEPS_BUFFERS_CASE,
];
