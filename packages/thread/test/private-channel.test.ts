/**
 * The thread driver's private channel: a task's posts on `parentPort` reach nothing, and a message of
 * the wrong shape or out of turn on the private channel (forged by a preload standing for subverted
 * worker machinery) fails only that task's slot with driver-kit's channel failure — never a host
 * exception, never a `null` slot — while siblings, later tasks and the host carry on.
 */
import { fileURLToPath } from 'node:url';
import type { Result, TaskFailure } from '@isolane/core';
import { WaitGroup } from '@isolane/core';
import { runNode } from '@isolane/core/testing';
import { ThreadDriver } from '@isolane/thread';
import { afterEach, describe, expect, it } from 'vitest';
import { echo, postOnParentPort } from './fixtures/channel-tasks.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const drivers: ThreadDriver[] = [];

afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
});

interface Report {
  readonly report: Record<string, { hit: Result<unknown>; sibling: Result<unknown>; next: Result<unknown> }>;
  readonly strays: TaskFailure[];
}

async function forged(prespawn: number, modes: readonly string[]): Promise<Report> {
  const args = ['--import', './corrupt-outcome-preload.mjs', 'corrupt-outcome-host.mjs', String(prespawn)];
  const run = await runNode([...args, ...modes], fixtures, 60_000);
  expect(run.timedOut, run.err).toBe(false);
  expect(run.code, `the host must survive: ${run.err}`).toBe(0);
  return JSON.parse(run.out.trim().split('\n').at(-1)!) as Report;
}

function expectChannelFailure(r: Result<unknown>, detail: string): void {
  expect(r.ok).toBe(false);
  const { error } = r as { error: TaskFailure };
  expect(error).toMatchObject({ kind: 'crashed', name: 'ChannelError', code: 'ERR_ISOLANE_CHANNEL' });
  expect(error.message).toBe(
    `the task corrupted the channel between its worker thread and the driver: ${detail}; the worker thread was killed`,
  );
}

describe('parentPort is not the channel', () => {
  it('null, garbage and forged outcomes posted on parentPort reach nothing: the slot is the task’s own value', async () => {
    const driver = new ThreadDriver({ concurrency: 2 });
    drivers.push(driver);
    const wg = new WaitGroup({ driver, timeout: 30_000 });
    wg.go(postOnParentPort);
    wg.go(echo, 'sibling');
    const [hit, sibling] = await wg.wait();
    expect(hit).toMatchObject({ ok: true, value: 'REAL' });
    expect(sibling).toMatchObject({ ok: true, value: 'sibling' });
  });
});

describe('a corrupted private channel', () => {
  const modes: Record<string, string> = {
    null: 'a message of the wrong shape (null)',
    number: 'a message of the wrong shape (number 42)',
    'null-result': 'a result that is null',
    'half-result': 'a result without a value',
    'bad-failure': 'a failure of unknown kind "exploded"',
    'unknown-type': 'a message of unknown type "hello"',
  };

  for (const prespawn of [0, 1]) {
    it(`fails only that slot with the channel failure (${prespawn ? 'prespawned' : 'cold'} workers)`, async () => {
      const { report } = await forged(prespawn, Object.keys(modes));
      for (const [mode, detail] of Object.entries(modes)) {
        const { hit, sibling, next } = report[mode]!;
        expectChannelFailure(hit, detail);
        expect(sibling).toMatchObject({ ok: true, value: 'sibling' });
        expect(next).toMatchObject({ ok: true, value: 'after' });
      }
    }, 90_000);
  }

  it('a second outcome does not replace the first: it is a late channel failure', async () => {
    const { report, strays } = await forged(0, ['second-outcome']);
    expect(report['second-outcome']!.hit).toMatchObject({ ok: true, value: 'REAL' });
    expect(strays).toHaveLength(1);
    expect(strays[0]).toMatchObject({ kind: 'crashed', name: 'ChannelError', code: 'ERR_ISOLANE_CHANNEL' });
    expect(strays[0]!.message).toContain('a second outcome');
  }, 90_000);
});
