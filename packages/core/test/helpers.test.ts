import { afterAll, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { registerDriver } from '../src/driver-registry.js';
import { makeFailure } from '../src/failure.js';
import {
  defer,
  deferred,
  map,
  onDeferredError,
  run,
  settle,
  type TaskAggregateError,
} from '../src/helpers.js';
import type { Result } from '../src/result.js';
import { shutdown } from '../src/shutdown.js';
import { InProcessDriver } from './fixtures/in-process-driver.js';
import { add, fail, slow } from './fixtures/tasks.js';

const driver = new InProcessDriver();
/** The shared drivers the groups without a `driver` option (defer's) ran on. */
const created: InProcessDriver[] = [];

beforeAll(() => {
  registerDriver('pool', (s) => {
    const d = new InProcessDriver(s);
    created.push(d);
    return d;
  });
});
afterAll(() => shutdown());

describe('settle / run / map / defer', () => {
  it('settle returns one typed result per entry', async () => {
    const results = await settle([() => 1, [add, 2, 3], [fail, 'x']], { driver });
    expectTypeOf(results[1]).toEqualTypeOf<Result<number>>();
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    expect(results[1]).toMatchObject({ value: 5 });
  });

  it('run resolves with values', async () => {
    const [a, b] = await run(
      [
        [add, 1, 1],
        [slow, 5],
      ],
      { driver },
    );
    expectTypeOf(a).toEqualTypeOf<number>();
    expect([a, b]).toEqual([2, 5]);
  });

  it('run rejects with ONE AggregateError carrying every failure, not the first', async () => {
    const error = (await run([[fail, 'one'], () => 2, [fail, 'two']], { driver }).catch(
      (e: unknown) => e,
    )) as TaskAggregateError;
    expect(error).toBeInstanceOf(AggregateError);
    expect(error.errors.map((e: Error) => e.message)).toEqual(['one', 'two']);
    expect(error.failures.map((f) => [f.index, f.failure.kind])).toEqual([
      [0, 'threw'],
      [2, 'threw'],
    ]);
    expect(error.message).toMatch(/2 of 3 tasks failed \(threw\)/);
  });

  it('names the bad argument when tasks are not an array', async () => {
    await expect(settle(42 as never, { driver })).rejects.toThrow(/settle\(\): "tasks" must be an array/);
    await expect(run([42] as never, { driver })).rejects.toThrow(
      /run\(\): each task entry must be a function/,
    );
  });

  it('map runs the task per item with its index, in order', async () => {
    const out = await map([3, 1, 2], (n: number, i: number) => n * 10 + i, { driver });
    expect(out).toEqual([30, 11, 22]);
    await expect(map(5 as never, add, { driver })).rejects.toThrow(/"items" must be iterable/);
  });

  it('defer reports failures to the handler and deferred() waits for all', async () => {
    const seen: string[] = [];
    onDeferredError((f) => seen.push(f.message));
    defer(fail, 'in the background');
    defer(slow, 20);
    await deferred();
    expect(seen).toEqual(['in the background']);
    onDeferredError(undefined);
  });

  it("a deferred task's late error (after it settled) goes to the onDeferredError handler, not stderr", async () => {
    const seen: string[] = [];
    onDeferredError((f) => seen.push(`${f.kind}: ${f.message}`));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      defer(add, 40, 2);
      await deferred();
      const ran = created.flatMap((d) => d.jobs.map((job, i) => ({ job, sink: d.sinks[i] })));
      const mine = ran.find(({ job }) => job.args[0] === 40 && job.args[1] === 2);
      expect(mine?.sink).toBeDefined();
      // What a driver reports when a timer the task left behind throws after its result was sent.
      mine?.sink?.stray(makeFailure('threw', 'a timer it left behind threw'));
      expect(seen).toEqual(['threw: a timer it left behind threw']);
      expect(stderr).not.toHaveBeenCalled();
    } finally {
      stderr.mockRestore();
      onDeferredError(undefined);
    }
  });
});
