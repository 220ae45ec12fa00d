/**
 * Two-way messages between a running pool task and its caller (issue 18), on both runtimes: the order
 * per direction, caller messages sent before the task started (kept with the queued job, and sent again
 * with a job its worker handed back unstarted), progress, what comes after the settle, and a window a
 * task that floods the caller cannot grow past.
 */
import { MESSAGE_WINDOW, WaitGroup } from '@isolane/core';
import { PoolDriver, type PoolRuntime } from '@isolane/pool';
import { afterEach, describe, expect, it } from 'vitest';
import * as t from './fixtures/message-tasks.js';

const drivers: PoolDriver[] = [];
function pool(runtime: PoolRuntime, concurrency = 1): PoolDriver {
  const driver = new PoolDriver({ concurrency, runtime });
  drivers.push(driver);
  return driver;
}

afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
});

const RUNTIMES: readonly PoolRuntime[] = ['thread', 'process'];

describe.each(RUNTIMES)("pool task messages (runtime '%s')", (runtime) => {
  it('task → caller: every message, in order, then the iterable ends with the slot', {
    timeout: 60_000,
  }, async () => {
    const wg = new WaitGroup({ driver: pool(runtime) });
    const slot = wg.go(t.stream, 2_000);
    const seqs: number[] = [];
    for await (const m of wg.messages(slot)) seqs.push((m as { seq: number }).seq);
    expect(seqs).toEqual(Array.from({ length: 2_000 }, (_, i) => i));
    const [result] = await wg.wait();
    expect(result).toMatchObject({ ok: true, value: 2_000 });
  });

  it('caller → task: messages sent while the job waits behind another are read in order when it starts', {
    timeout: 60_000,
  }, async () => {
    const wg = new WaitGroup({ driver: pool(runtime) });
    wg.go(t.hold, 300, 'first'); // one worker: the next job waits in the queue (or in its pipeline)
    const slot = wg.go(t.collect, 5);
    for (let i = 0; i < 5; i++) await wg.send(slot, { n: i });
    const results = await wg.wait();
    expect(results[0]).toMatchObject({ ok: true, value: 'first' });
    expect(results[1]).toMatchObject({ ok: true, value: [0, 1, 2, 3, 4].map((n) => ({ n })) });
  });

  it('a job its worker never started runs elsewhere with the messages it was sent', {
    timeout: 60_000,
  }, async () => {
    const wg = new WaitGroup({ driver: pool(runtime) });
    const dead = wg.go(t.exitWorker, 200); // the worker dies in it; the job behind it moves on
    const slot = wg.go(t.collect, 3);
    await wg.send(slot, 'a');
    await wg.send(slot, 'b');
    await wg.send(slot, 'c');
    const results = await wg.wait();
    expect(results[dead]).toMatchObject({ ok: false, error: { kind: 'crashed' } });
    expect(results[slot]).toMatchObject({ ok: true, value: ['a', 'b', 'c'] });
  });

  it('a conversation: the task echoes what the caller sends, both ways in order', {
    timeout: 60_000,
  }, async () => {
    const wg = new WaitGroup({ driver: pool(runtime) });
    const slot = wg.go(t.echo);
    const echoed: unknown[] = [];
    const reading = (async () => {
      for await (const m of wg.messages(slot)) echoed.push(m);
    })();
    for (let i = 0; i < 300; i++) await wg.send(slot, i);
    await wg.send(slot, 'end');
    await reading;
    const [result] = await wg.wait();
    expect(result).toMatchObject({ ok: true, value: 300 });
    expect(echoed).toEqual(Array.from({ length: 300 }, (_, i) => i));
  });

  it('progress: the caller sees the reports while the task runs, and keeps the latest', {
    timeout: 60_000,
  }, async () => {
    const seen: unknown[] = [];
    const wg = new WaitGroup({ driver: pool(runtime), onProgress: (value) => seen.push(value) });
    const slot = wg.go(t.steps, 20);
    await wg.wait();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toEqual({ step: 20, of: 20 });
    expect(wg.progress(slot)).toEqual({ step: 20, of: 20 });
  });

  it('after the settle: a caller message is dropped and counted; what the task sends later never arrives', {
    timeout: 60_000,
  }, async () => {
    const wg = new WaitGroup({ driver: pool(runtime) });
    const slot = wg.go(t.sendAfterReturn);
    const [result] = await wg.wait();
    expect(result).toMatchObject({ ok: true, value: 'done' });
    await wg.send(slot, 'too late');
    expect(wg.droppedMessages).toBe(1);
    // The task's timer fires 20 ms after it returned: its message is dropped in the worker.
    const later = wg.go(t.hold, 100, 'next');
    const received: unknown[] = [];
    for await (const m of wg.messages(slot)) received.push(m);
    await wg.wait();
    expect(later).toBe(1);
    expect(received).toEqual([]);
  });

  it('a task that sends four windows of messages loses none and keeps their order', {
    timeout: 60_000,
  }, async () => {
    const wg = new WaitGroup({ driver: pool(runtime) });
    const slot = wg.go(t.stream, MESSAGE_WINDOW * 4);
    const seqs: number[] = [];
    for await (const m of wg.messages(slot)) seqs.push((m as { seq: number }).seq);
    expect(seqs).toEqual(Array.from({ length: MESSAGE_WINDOW * 4 }, (_, i) => i));
    const [result] = await wg.wait();
    expect(result).toMatchObject({ ok: true, value: MESSAGE_WINDOW * 4 });
  });
});
