/**
 * What the worker entry does with errors nobody awaited, depending on when they happen: before its task
 * (a prespawned worker is poisoned: its task fails as a bootstrap failure), during the task (the task
 * fails), after the outcome (a stray of that task).
 */
import { type TaskFailure, WaitGroup } from '@isolane/core';
import { eventually } from '@isolane/core/testing';
import { ThreadDriver } from '@isolane/thread';
import { afterEach, describe, expect, it } from 'vitest';
import * as t from './fixtures/tasks.js';

const bootstrap = new URL('./fixtures/boot-leaves-throw.js', import.meta.url).href;
const drivers: ThreadDriver[] = [];

/** Resolves once a worker's bootstrap timer has thrown (announced by the fixture), within 30 s. */
function bootstrapTimerFired(): Promise<void> {
  const channel = new BroadcastChannel('isolane-test:boot-leaves-throw');
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      channel.close();
      reject(new Error('the bootstrap timer never fired (30 s)'));
    }, 30_000);
    channel.onmessage = () => {
      clearTimeout(timer);
      channel.close();
      resolve();
    };
  });
}

afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
});

describe('errors left behind by the bootstrap', () => {
  it('poison a prespawned worker: its task fails with kind "bootstrap" and the cause', async () => {
    const driver = new ThreadDriver({ concurrency: 1, prespawn: 1, bootstrap });
    drivers.push(driver);
    // The bootstrap's timer fires while the worker waits for a task; the fixture announces it on a
    // broadcast channel, so the test waits for that event rather than for a guessed time.
    await bootstrapTimerFired();
    const wg = new WaitGroup({ driver });
    wg.go(t.add, 1, 2);
    const [r] = await wg.wait();
    expect(r?.ok).toBe(false);
    const failure = (r as { error: TaskFailure }).error;
    expect(failure.kind).toBe('bootstrap');
    expect(failure.cause?.message).toBe('thrown by a timer the bootstrap left behind');
  });

  it('reach the task that started with them as a stray once it returned', async () => {
    const driver = new ThreadDriver({ concurrency: 1, bootstrap });
    drivers.push(driver);
    const strays: TaskFailure[] = [];
    const wg = new WaitGroup({ driver, onError: (f) => strays.push(f) });
    wg.go(t.add, 1, 2);
    const [r] = await wg.wait();
    expect(r).toMatchObject({ ok: true, value: 3 });
    expect(await eventually(() => strays.length > 0, 5_000)).toBe(true);
    expect(strays[0]).toMatchObject({
      kind: 'threw',
      message: 'thrown by a timer the bootstrap left behind',
    });
  });
});
