import { describe, expect, expectTypeOf, it } from 'vitest';
import { isCaptureError } from '../src/errors.js';
import { makeFailure } from '../src/failure.js';
import { transfer } from '../src/transfer.js';
import { WaitGroup } from '../src/wait-group.js';
import { InProcessDriver } from './fixtures/in-process-driver.js';
import { add, fail, shape, slow } from './fixtures/tasks.js';

const make = (options: ConstructorParameters<typeof WaitGroup>[0] = {}) => {
  const driver = new InProcessDriver();
  return { driver, wg: new WaitGroup({ driver, ...options }) };
};

describe('WaitGroup options are validated eagerly, naming the option', () => {
  const driver = new InProcessDriver();
  it.each([
    [{ concurrency: 0 }, RangeError, /options\.concurrency/],
    [{ concurrency: 1.5 }, RangeError, /options\.concurrency/],
    [{ concurrency: '4' }, TypeError, /options\.concurrency must be a number/],
    [{ timeout: -5 }, RangeError, /options\.timeout/],
    [{ timeout: 'soon' }, TypeError, /options\.timeout/],
    [{ memoryLimitMb: 2 }, RangeError, /options\.memoryLimitMb/],
    [{ bootstrap: './relative.js' }, TypeError, /options\.bootstrap .*relative path/],
    [{ bootstrap: 42 }, TypeError, /options\.bootstrap/],
    [{ signal: {} }, TypeError, /options\.signal/],
    [
      { driver: 'threads' },
      TypeError,
      /options\.driver must be one of "pool", "thread", "fork", "cooperative"/,
    ],
    [{ driver: {} }, TypeError, /options\.driver/],
    [{ onError: 'log' }, TypeError, /options\.onError/],
    [{ globals: ['a b'] }, TypeError, /options\.globals/],
    [{ concurency: 2 }, TypeError, /unknown WaitGroup option "concurency"/],
  ])('%j', (options, type, message) => {
    expect(() => new WaitGroup(options as never)).toThrow(type);
    expect(() => new WaitGroup(options as never)).toThrow(message);
  });

  it('refuses driver settings next to a Driver instance', () => {
    expect(() => new WaitGroup({ driver, concurrency: 2 })).toThrow(
      /options\.concurrency belongs to the driver/,
    );
  });
});

describe('go() and wait()', () => {
  it('returns slot indexes and resolves results in go() order', async () => {
    const { wg } = make();
    expect(wg.go(slow, 30)).toBe(0);
    expect(wg.go(add, 1, 2)).toBe(1);
    expect(wg.go(fail, 'nope')).toBe(2);
    expect(wg.count).toBe(3);
    const results = await wg.wait();
    expect(results.map((r) => (r.ok ? r.value : r.error.message))).toEqual([30, 3, 'nope']);
    expect(wg.count).toBe(0);
    expect(wg.size).toBe(3);
  });

  it('never rejects for task failures and can be awaited again after more go()', async () => {
    const { wg } = make();
    wg.go(fail, 'a');
    expect((await wg.wait())[0]?.ok).toBe(false);
    wg.go(add, 2, 2);
    const again = await wg.wait();
    expect(again).toHaveLength(2);
    expect(again[1]).toMatchObject({ ok: true, value: 4 });
  });

  it('keeps exactly one result per slot even if a driver settles twice', async () => {
    const { wg, driver } = make();
    wg.go(add, 1, 1);
    await wg.wait();
    driver.sinks[0]?.settle({ ok: false, error: makeFailure('crashed', 'late'), ms: 0 });
    expect((await wg.wait())[0]).toMatchObject({ ok: true, value: 2 });
  });

  it('streams completions in completion order', async () => {
    const { wg } = make();
    wg.go(slow, 60);
    wg.go(slow, 5);
    const order: number[] = [];
    for await (const { index } of wg) order.push(index);
    expect(order).toEqual([1, 0]);
  });

  it('snapshots arguments at go() and moves transferred buffers', async () => {
    const { wg, driver } = make();
    const input = { id: 1 };
    wg.go(shape, input);
    input.id = 2;
    const bytes = new Uint8Array(8).fill(1);
    wg.go((b: Uint8Array) => b.length, transfer(bytes));
    expect(bytes.byteLength).toBe(0);
    const [r, t] = await wg.wait();
    expect(r).toMatchObject({ ok: true, value: { id: 1, tags: ['a'] } });
    expect(t).toMatchObject({ ok: true, value: 8 });
    expect(driver.jobs[1]?.transfer).toHaveLength(1);
  });

  it('throws CaptureError at go() for non-portable arguments and takes no slot', () => {
    const { wg } = make();
    expect(() => wg.go(shape, { id: 1, db: { close() {} } } as never)).toThrow(/args\[0\]\.db\.close/);
    try {
      wg.go((x: unknown) => x, new Map([[1, () => 1]]));
    } catch (e) {
      expect(isCaptureError(e)).toBe(true);
    }
    expect(wg.size).toBe(0);
  });

  it('passes the timeout to the driver, to be counted from the task start', async () => {
    const { wg, driver } = make({ timeout: 250 });
    wg.go(add, 1, 1);
    await wg.wait();
    expect(driver.jobs[0]?.timeout).toBe(250);
  });

  it('routes a stray failure to onError once the slot is settled, and fails the slot while it is open', async () => {
    const strays: [string, number][] = [];
    const { wg, driver } = make({ onError: (f, slot) => strays.push([f.message, slot]) });
    wg.go(slow, 50);
    wg.go(add, 1, 1);
    driver.sinks[0]?.stray(makeFailure('threw', 'while open'));
    await wg.wait();
    driver.sinks[1]?.stray(makeFailure('threw', 'after settle'));
    const [first] = await wg.wait();
    expect(first).toMatchObject({ ok: false, error: { message: 'while open' } });
    expect(strays).toEqual([['after settle', 1]]);
  });

  it('abort() settles every open slot as aborted, stops its work, and aborts later go()', async () => {
    const { wg, driver } = make();
    wg.go(add, 1, 1);
    await wg.wait();
    wg.go(slow, 5_000);
    wg.abort(new Error('enough'));
    const results = await wg.wait();
    expect(results[1]).toMatchObject({
      ok: false,
      error: { kind: 'aborted', message: 'enough', cause: { message: 'enough' } },
    });
    expect(driver.aborted).toHaveLength(1);
    wg.go(add, 1, 1);
    expect((await wg.wait())[2]).toMatchObject({ ok: false, error: { kind: 'aborted' } });
  });

  it('listens to its signal only while busy, and still sees an abort that came while idle', async () => {
    const { EventEmitter } = await import('node:events');
    const getEventListeners = EventEmitter.getEventListeners;
    const controller = new AbortController();
    const { wg } = make({ signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    wg.go(slow, 20);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    await wg.wait();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    controller.abort('gone');
    wg.go(add, 1, 1);
    expect((await wg.wait())[1]).toMatchObject({ ok: false, error: { kind: 'aborted', message: 'gone' } });
  });

  it('close() aborts what is unfinished, leaves a passed driver open, and refuses new work', async () => {
    const { wg, driver } = make();
    wg.go(slow, 5_000);
    await wg.close();
    expect((await wg.wait())[0]).toMatchObject({ ok: false, error: { kind: 'aborted' } });
    expect(driver.closed).toBe(false);
    expect(() => wg.go(add, 1, 1)).toThrow(/closed/);
  });

  it('keeps the sink drivers report to off its public surface (no _settle/_stray)', () => {
    const names = Object.getOwnPropertyNames(WaitGroup.prototype);
    expect(names.filter((n) => n.startsWith('_'))).toEqual([]);
    expect(names).toEqual(expect.arrayContaining(['go', 'wait', 'abort', 'close']));
  });

  it('supports await using', async () => {
    const driver = new InProcessDriver();
    {
      await using wg = new WaitGroup({ driver });
      wg.go(slow, 5_000);
    }
    expect(driver.aborted).toHaveLength(1);
  });

  it('infers argument and result types from module tasks', () => {
    const { wg } = make();
    expectTypeOf(wg.go(add, 1, 2)).toEqualTypeOf<number>();
    // @ts-expect-error: add takes numbers
    wg.go(add, '1', 2);
    // @ts-expect-error: missing argument
    wg.go(add, 1);
    void wg.close();
  });
});
