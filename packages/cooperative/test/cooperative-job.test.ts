/**
 * A cooperative job's own rules: its signal is made only when read, yet a task that reads it after an
 * abort or a timeout finds it fired; it starts in the async context of its go(), queued or not; queued
 * jobs start in order, and one settled while it waits gives its turn to the next.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { shutdown, taskContext, WaitGroup } from '@isolane/core';
import { afterEach, describe, expect, it } from 'vitest';
import { CooperativeDriver } from '../src/index.js';

interface Lazy {
  context: typeof taskContext;
  gate: Promise<void>;
  started: () => void;
  seen: (s: { aborted: boolean; kind: unknown; same: boolean }) => void;
}
declare const __lazy: Lazy;
declare const __als: AsyncLocalStorage<string>;
declare const __order: string[];

const holder = globalThis as { __lazy?: Lazy; __als?: unknown; __order?: string[] };

afterEach(async () => {
  delete holder.__lazy;
  delete holder.__als;
  delete holder.__order;
  await shutdown();
});

/** Installs `__lazy` for a task that starts, waits for `open()`, then reads its signal twice. */
function lazyProbe() {
  let open!: () => void;
  let started!: () => void;
  let seen!: (s: { aborted: boolean; kind: unknown; same: boolean }) => void;
  const gate = new Promise<void>((r) => {
    open = r;
  });
  const hasStarted = new Promise<void>((r) => {
    started = r;
  });
  const read = new Promise<{ aborted: boolean; kind: unknown; same: boolean }>((r) => {
    seen = r;
  });
  holder.__lazy = { context: taskContext, gate, started, seen };
  return { open, hasStarted, read };
}

async function readAfterGate(): Promise<string> {
  __lazy.started();
  await __lazy.gate;
  const first = __lazy.context().signal;
  const again = __lazy.context().signal;
  __lazy.seen({
    aborted: first.aborted,
    kind: (first.reason as { kind?: unknown })?.kind,
    same: first === again,
  });
  return 'read';
}

/** Waits for a promise, bounded by a generous deadline. */
function within<T>(p: Promise<T>, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

describe('cooperative job', () => {
  it('a task that reads its signal only after its group aborted finds it already aborted', async () => {
    const driver = new CooperativeDriver({ concurrency: 1 });
    const probe = lazyProbe();
    const wg = new WaitGroup({ driver, globals: ['__lazy'] });
    wg.go(readAfterGate);
    await within(probe.hasStarted);
    wg.abort('stop');
    expect(await wg.wait()).toMatchObject([{ ok: false, error: { kind: 'aborted' } }]);
    probe.open();
    expect(await within(probe.read)).toEqual({ aborted: true, kind: 'aborted', same: true });
    await driver.close();
  });

  it('a task that reads its signal only after its timeout finds it fired as timeout', async () => {
    const driver = new CooperativeDriver({ concurrency: 1 });
    const probe = lazyProbe();
    const wg = new WaitGroup({ driver, timeout: 50, globals: ['__lazy'] });
    wg.go(readAfterGate);
    expect(await wg.wait()).toMatchObject([{ ok: false, error: { kind: 'timeout' } }]);
    probe.open();
    expect(await within(probe.read)).toEqual({ aborted: true, kind: 'timeout', same: true });
    await driver.close();
  });

  it('a task that was not stopped reads a signal that has not fired', async () => {
    const driver = new CooperativeDriver({ concurrency: 1 });
    const probe = lazyProbe();
    const wg = new WaitGroup({ driver, globals: ['__lazy'] });
    wg.go(readAfterGate);
    await within(probe.hasStarted);
    probe.open();
    expect(await wg.wait()).toMatchObject([{ ok: true, value: 'read' }]);
    expect(await within(probe.read)).toEqual({ aborted: false, kind: undefined, same: true });
    await driver.close();
  });

  it('runs each task, queued or not, in the async context of its go()', async () => {
    const als = new AsyncLocalStorage<string>();
    holder.__als = als;
    const driver = new CooperativeDriver({ concurrency: 1 });
    const groups = ['a', 'b', 'c'].map((name) =>
      als.run(name, () => {
        const wg = new WaitGroup({ driver, globals: ['__als'] });
        wg.go(async () => {
          const before = __als.getStore();
          await new Promise((r) => setImmediate(r));
          return `${before}${__als.getStore()}`;
        });
        return wg;
      }),
    );
    const results = await Promise.all(groups.map((wg) => wg.wait()));
    expect(results.map(([r]) => r?.ok && r.value)).toEqual(['aa', 'bb', 'cc']);
    await driver.close();
  });

  it('starts queued tasks in go() order, and a queued one aborted while it waits gives its turn on', async () => {
    const driver = new CooperativeDriver({ concurrency: 2 });
    holder.__order = [];
    const wg = new WaitGroup({ driver, globals: ['__order'] });
    const dropped = new WaitGroup({ driver, globals: ['__order'] });
    const task = async (name: string) => {
      __order.push(name);
      await new Promise((r) => setImmediate(r));
      return name;
    };
    wg.go(task, 'a');
    wg.go(task, 'b');
    dropped.go(task, 'x'); // queued behind a and b
    for (const name of ['c', 'd', 'e']) wg.go(task, name);
    dropped.abort('not wanted');
    const results = await wg.wait();
    expect(results.map((r) => r.ok && r.value)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await dropped.wait()).toMatchObject([{ ok: false, error: { kind: 'aborted' } }]);
    expect(__order).toEqual(['a', 'b', 'c', 'd', 'e']);
    await driver.close();
  });
});
