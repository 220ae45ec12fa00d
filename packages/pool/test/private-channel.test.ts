/**
 * The pool's private channel (threads): `workerData` holds no port and no counter, a task's posts on
 * `parentPort` reach nothing, and a message of the wrong shape on the private channel (forged by a
 * preload standing for subverted worker machinery) fails only the running task with driver-kit's
 * channel failure — never a host exception, never a `null` slot — while the tasks queued behind it run
 * elsewhere and the pool keeps serving.
 */
import { fileURLToPath } from 'node:url';
import type { Result, TaskFailure } from '@isolane/core';
import { WaitGroup } from '@isolane/core';
import { runNode } from '@isolane/core/testing';
import { PoolDriver } from '@isolane/pool';
import { afterEach, describe, expect, it } from 'vitest';
import { echo, postOnPublicPorts } from './fixtures/channel-tasks.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const drivers: PoolDriver[] = [];

afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
});

interface Report {
  readonly report: Record<
    string,
    { hit: Result<unknown>; siblings: Result<unknown>[]; next: Result<unknown> }
  >;
  readonly strays: TaskFailure[];
}

describe('parentPort and workerData are not the channel', () => {
  it('hold no port or counter, and forged answers posted there become nobody’s result', async () => {
    const driver = new PoolDriver({ concurrency: 1 });
    drivers.push(driver);
    const wg = new WaitGroup({ driver, timeout: 30_000 });
    wg.go(postOnPublicPorts);
    for (let i = 0; i < 4; i++) wg.go(echo, `after-${i}`);
    const [hit, ...rest] = await wg.wait();
    expect(hit).toMatchObject({
      ok: true,
      // parentPort only: no port and no shared counter in workerData.
      value: { value: 'REAL', ports: 1, shared: false },
    });
    rest.forEach((r, i) => {
      expect(r).toMatchObject({ ok: true, value: `after-${i}` });
    });
  });
});

describe('a corrupted private channel', () => {
  const modes: Record<string, string> = {
    null: 'a message of the wrong shape (null)',
    object: 'a message of the wrong shape (an object)',
    'bad-id': 'a message of tag 1 whose job id is "x"',
    short: 'a message of tag 1 with 2 elements, not 4',
    'bad-failure': 'a failure of unknown kind "exploded"',
    'unknown-tag': 'a message with an unknown tag (number 42)',
  };

  it('fails the running task with the channel failure; the tasks behind it and the host carry on', async () => {
    const args = ['--import', './corrupt-outcome-preload.mjs', 'corrupt-outcome-host.mjs'];
    const run = await runNode([...args, ...Object.keys(modes)], fixtures, 60_000);
    expect(run.timedOut, run.err).toBe(false);
    expect(run.code, `the host must survive: ${run.err}`).toBe(0);
    const { report } = JSON.parse(run.out.trim().split('\n').at(-1)!) as Report;
    for (const [mode, detail] of Object.entries(modes)) {
      const { hit, siblings, next } = report[mode]!;
      expect(hit.ok, mode).toBe(false);
      const { error } = hit as { error: TaskFailure };
      expect(error).toMatchObject({ kind: 'crashed', name: 'ChannelError', code: 'ERR_ISOLANE_CHANNEL' });
      expect(error.message).toBe(
        `the task corrupted the channel between its worker thread and the driver: ${detail}; the worker thread was killed`,
      );
      siblings.forEach((r, i) => {
        expect(r, `${mode}: sibling ${i}`).toMatchObject({ ok: true, value: `sibling-${i}` });
      });
      expect(next).toMatchObject({ ok: true, value: 'after' });
    }
  }, 90_000);
});
