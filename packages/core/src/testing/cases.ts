/**
 * The conformance cases: one behaviour each, written with node:assert so they run both inside vitest and
 * in a sacrificial child process (which is how a case a model cannot pass is shown to really fail).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Driver, DriverSettings } from '../driver.js';
import { isCaptureError, isSpawnError } from '../errors.js';
import type { TaskFailure } from '../failure.js';
import { eventually } from '../os-probes.js';
import type { Result } from '../result.js';
import { defineTask } from '../task.js';
import { transfer } from '../transfer.js';
import { WaitGroup, type WaitGroupOptions } from '../wait-group.js';
import { ABORT_REASON_CASES } from './abort-reason-cases.js';
import { BOOTSTRAP_DEADLINE_CASES } from './bootstrap-deadline-cases.js';
import { BUFFER_ROUNDTRIP_CASE } from './buffer-case.js';
import { CAPTURE_RULES_CASE } from './capture-case.js';
import { CLOSE_SETTLES_CASES } from './close-settles-cases.js';
import * as t from './fixtures/tasks.js';
import { HOSTILE_CHANNEL_CASES } from './hostile-channel-cases.js';
import { HOSTILE_PORT_CASES } from './hostile-port-cases.js';
import { HOSTILE_RUNTIME_CASES } from './hostile-runtime-cases.js';
import { OUTPUT_CASES } from './output-cases.js';
import { PARITY_CASES } from './parity-cases.js';
import { PROCESS_TREE_CASES } from './process-tree-cases.js';
import { runNode } from './run-node.js';
import { SPARSE_ARRAY_CASE } from './sparse-array-case.js';
import { TRANSFER_PORT_CASES } from './transfer-port-cases.js';

/** What a case gets: a way to make drivers of the model under test (closed for it afterwards). */
export interface CaseContext {
  readonly name: string;
  /** Creates a driver; defaults: concurrency 2. Every driver is closed after the case. */
  driver(settings?: Partial<DriverSettings>): Driver;
  /** How many tasks the `many-tasks` case runs. */
  readonly manyTasks: number;
  /** URL of the module exporting `createDriver(settings)`, for cases that need a fresh process. */
  readonly driverModule?: string;
}

/** One conformance case. */
export interface ConformanceCase {
  readonly id: string;
  readonly title: string;
  /** Generous per-case time limit, ms. */
  readonly timeout: number;
  run(ctx: CaseContext): Promise<void>;
}

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).href;

function failureOf(r: Result<unknown> | undefined): TaskFailure {
  assert.ok(r, 'missing result');
  assert.equal(r.ok, false, `expected a failure, got the value ${safeJson(r.ok ? r.value : undefined)}`);
  return (r as { error: TaskFailure }).error;
}

function valueIn(r: Result<unknown> | undefined): unknown {
  assert.ok(r, 'missing result');
  assert.equal(r.ok, true, `expected a value, got the failure ${safeJson(r.ok ? undefined : r.error)}`);
  return (r as { value: unknown }).value;
}

function safeJson(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))?.slice(0, 500) ?? 'undefined'
    );
  } catch {
    return String(value);
  }
}

async function group(driver: Driver, options: Omit<WaitGroupOptions, 'driver'> = {}): Promise<WaitGroup> {
  return new WaitGroup({ ...options, driver });
}

/** After a crash the driver must keep serving: one more task must succeed. */
async function assertStillServing(driver: Driver): Promise<void> {
  const wg = await group(driver);
  wg.go(t.add, 20, 22);
  const [r] = await wg.wait();
  assert.equal(valueIn(r), 42, 'the driver must keep serving new tasks after a failure');
  await wg.close();
}

/** Runs a crashing task next to healthy siblings; returns the crash's failure. */
async function crashWithSiblings(
  ctx: CaseContext,
  crash: (wg: WaitGroup) => void,
  settings: Partial<DriverSettings> = {},
) {
  const driver = ctx.driver({ concurrency: 3, ...settings });
  const wg = await group(driver, { timeout: 20_000 });
  wg.go(t.sleepThen, 300, 'sibling-a');
  crash(wg);
  wg.go(t.sleepThen, 300, 'sibling-b');
  wg.go(t.add, 1, 2);
  const results = await wg.wait();
  assert.equal(valueIn(results[0]), 'sibling-a');
  assert.equal(valueIn(results[2]), 'sibling-b');
  assert.equal(valueIn(results[3]), 3);
  await assertStillServing(driver);
  return failureOf(results[1]);
}

function nested(depth: number): unknown {
  let v: unknown = { leaf: true };
  for (let i = 0; i < depth; i++) v = { level: i, child: v, list: [i] };
  return v;
}

/**
 * Every case, in the order they run.
 *
 * @example
 * ```ts
 * for (const c of CONFORMANCE_CASES) console.log(c.id, c.title);
 * ```
 */
export const CONFORMANCE_CASES: readonly ConformanceCase[] = [
  {
    id: 'roundtrip-types',
    title: 'Map, Set, Date, BigInt, RegExp, typed arrays and 32-deep nesting round-trip intact',
    timeout: 30_000,
    async run(ctx) {
      const value = {
        map: new Map<unknown, unknown>([
          ['a', 1],
          [2, { b: [3] }],
        ]),
        set: new Set([1, 'two', 3n]),
        date: new Date('2024-02-29T12:34:56.789Z'),
        big: 2n ** 70n,
        re: /is(o)lane/giu,
        f64: new Float64Array([1.5, -0, Number.NaN, Number.POSITIVE_INFINITY]),
        u8: new Uint8Array([1, 2, 255]),
        i32: new Int32Array([-1, 2 ** 31 - 1]),
        deep: nested(32),
        special: [null, undefined, -0, Number.NaN, ''],
      };
      const wg = await group(ctx.driver());
      wg.go(t.echo, value);
      const [r] = await wg.wait();
      assert.deepEqual(valueIn(r), value);
      await wg.close();
    },
  },
  {
    id: 'roundtrip-16mib',
    title: 'a 16 MiB argument and a 16 MiB result round-trip intact',
    timeout: 60_000,
    async run(ctx) {
      const size = 16 * 1024 * 1024;
      const bytes = new Uint8Array(size);
      for (let i = 0; i < size; i += 4096) bytes[i] = i % 251;
      const wg = await group(ctx.driver());
      wg.go(t.checksum, bytes);
      wg.go(t.makeBytes, size, 7);
      const [sum, made] = await wg.wait();
      let expected = 0;
      for (let i = 0; i < size; i += 4096) expected = (expected + bytes[i]! * (i + 1)) % 1_000_000_007;
      assert.deepEqual(valueIn(sum), { length: size, sum: expected });
      const out = valueIn(made) as Uint8Array;
      assert.ok(out instanceof Uint8Array, 'the result must still be a Uint8Array');
      assert.equal(out.length, size);
      assert.equal(out[0], 7);
      assert.equal(out[size - 1], 7);
      await wg.close();
    },
  },
  {
    id: 'transfer',
    title: 'transfer() moves a buffer: the caller’s copy is detached and the task sees the data',
    timeout: 30_000,
    async run(ctx) {
      const bytes = new Uint8Array(1024 * 1024).fill(3);
      const wg = await group(ctx.driver());
      wg.go(t.checksum, transfer(bytes));
      assert.equal(
        bytes.byteLength,
        0,
        'a transferred buffer must be detached in the caller right after go()',
      );
      const [r] = await wg.wait();
      assert.equal((valueIn(r) as { length: number }).length, 1024 * 1024);
      await wg.close();
    },
  },
  {
    id: 'order',
    title: 'wait() gives results in go() order; iteration gives completion order',
    timeout: 30_000,
    async run(ctx) {
      const wg = await group(ctx.driver({ concurrency: 4 }));
      // Each task completes when the suite opens its gate, once all four have started: the order is
      // the suite's, whatever the time a worker takes to start on a busy machine.
      const dir = mkdtempSync(join(tmpdir(), 'isolane-order-'));
      try {
        for (const i of [0, 1, 2, 3]) wg.go(t.gateThen, dir, i);
        const started = () => [0, 1, 2, 3].every((i) => existsSync(join(dir, `started-${i}`)));
        assert.ok(await eventually(started, 25_000), 'all four tasks started');
        const completions: number[] = [];
        const iterator = wg[Symbol.asyncIterator]();
        for (const i of [1, 3, 2, 0]) {
          writeFileSync(join(dir, `go-${i}`), '');
          const next = await iterator.next();
          assert.equal(next.done, false);
          const { index, result } = next.value as { index: number; result: Result<unknown> };
          assert.equal(valueIn(result), index);
          completions.push(index);
        }
        assert.equal((await iterator.next()).done, true);
        const results = await wg.wait();
        assert.deepEqual(
          results.map((r) => valueIn(r)),
          [0, 1, 2, 3],
        );
        assert.deepEqual(completions, [1, 3, 2, 0]);
      } finally {
        await wg.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  {
    id: 'one-result-per-go',
    title: 'exactly one result per go(), whatever happens',
    timeout: 30_000,
    async run(ctx) {
      const wg = await group(ctx.driver({ concurrency: 3 }), { timeout: 2_000 });
      const indexes = [
        wg.go(t.add, 1, 1),
        wg.go(t.throwCustom, 'x'),
        wg.go(t.returnUnserializable, 'function'),
        wg.go(t.sleepThen, 50, 'ok'),
        wg.go(t.rejectLater, 'no'),
      ];
      assert.deepEqual(indexes, [0, 1, 2, 3, 4]);
      assert.equal(wg.count, 5);
      let seen = 0;
      for await (const _ of wg) seen++;
      assert.equal(seen, 5);
      assert.equal(wg.count, 0);
      assert.equal((await wg.wait()).length, 5);
      assert.equal((await wg.wait()).length, 5, 'a second wait() returns the same results');
      await wg.close();
    },
  },
  {
    id: 'module-task',
    title: 'module tasks run by URL + export name; a wrong export name fails as SpawnError',
    timeout: 30_000,
    async run(ctx) {
      const { realName } = (await import(fixture('missing-export.js'))) as {
        realName: (x: number) => number;
      };
      const wg = await group(ctx.driver());
      wg.go(t.add, 2, 3);
      wg.go(realName, 1);
      const [ok, missing] = await wg.wait();
      assert.equal(valueIn(ok), 5);
      const f = failureOf(missing);
      assert.equal(f.name, 'SpawnError');
      assert.match(f.message, /otherName/);
      await wg.close();
    },
  },
  {
    id: 'custom-error',
    title: 'a custom error class keeps name, message, code, stack and cause',
    timeout: 30_000,
    async run(ctx) {
      const wg = await group(ctx.driver());
      wg.go(t.throwCustom, 'domain rule broken');
      const f = failureOf((await wg.wait())[0]);
      assert.equal(f.kind, 'threw');
      assert.equal(f.name, 'MyDomainError');
      assert.equal(f.message, 'domain rule broken');
      assert.equal(f.code, 'E_DOMAIN');
      assert.match(f.stack ?? '', /MyDomainError: domain rule broken/);
      assert.match(f.stack ?? '', /tasks\.(js|ts)/, 'the stack is the worker-side stack');
      assert.equal(f.cause?.name, 'TypeError');
      assert.equal(f.cause?.message, 'root cause');
      assert.deepEqual(JSON.parse(JSON.stringify(f)), f, 'a failure survives JSON');
      assert.deepEqual(structuredClone(f), f, 'a failure survives structured clone');
      await wg.close();
    },
  },
  {
    id: 'async-rejection',
    title: 'an async rejection fails its slot with kind "threw"',
    timeout: 30_000,
    async run(ctx) {
      const wg = await group(ctx.driver());
      wg.go(t.rejectLater, 'later');
      const f = failureOf((await wg.wait())[0]);
      assert.equal(f.kind, 'threw');
      assert.equal(f.name, 'RangeError');
      assert.equal(f.message, 'later');
      await wg.close();
    },
  },
  {
    id: 'non-error-throws',
    title: 'throwing a string, a number, an object or undefined still gives a useful failure',
    timeout: 30_000,
    async run(ctx) {
      const wg = await group(ctx.driver());
      for (const which of ['string', 'number', 'object', 'undefined'] as const) wg.go(t.throwValue, which);
      const [s, n, o, u] = (await wg.wait()).map(failureOf);
      assert.equal(s?.kind, 'threw');
      assert.equal(s?.message, 'x');
      assert.match(n?.message ?? '', /42/);
      assert.match(o?.message ?? '', /"a":1/);
      assert.match(u?.message ?? '', /undefined/);
      await wg.close();
    },
  },
  {
    id: 'unserializable-result',
    title: 'a result that cannot be sent back fails with kind "unserializable"',
    timeout: 30_000,
    async run(ctx) {
      const wg = await group(ctx.driver());
      wg.go(t.returnUnserializable, 'function');
      wg.go(t.returnUnserializable, 'class');
      wg.go(t.add, 1, 1);
      const [fn, cls, ok] = await wg.wait();
      assert.equal(failureOf(fn).kind, 'unserializable');
      assert.equal(failureOf(cls).kind, 'unserializable');
      assert.equal(valueIn(ok), 2);
      await wg.close();
    },
  },
  {
    id: 'argument-snapshot',
    title: 'mutating an argument after go() never changes what the task sees',
    timeout: 30_000,
    async run(ctx) {
      const wg = await group(ctx.driver({ concurrency: 1 }));
      const arg = { n: 1, list: [1, 2] };
      wg.go(t.sleepThen, 100, 'first'); // keeps the only slot busy, so the next task waits
      wg.go(t.echo, arg);
      arg.n = 999;
      arg.list.push(3);
      const [, r] = await wg.wait();
      assert.deepEqual(valueIn(r), { n: 1, list: [1, 2] });
      await wg.close();
    },
  },
  {
    id: 'call-site-errors',
    title: 'captures, non-portable arguments and unresolvable tasks throw at go(); the group stays usable',
    timeout: 30_000,
    async run(ctx) {
      const wg = await group(ctx.driver());
      const secret = 41;
      assert.throws(
        () => wg.go(() => secret + 1),
        (e: unknown) => isCaptureError(e) && /secret/.test((e as Error).message),
      );
      assert.throws(
        () => wg.go(t.echo, { db: { query: () => 1 } }),
        (e: unknown) => isCaptureError(e) && /args\[0\]\.db\.query/.test((e as Error).message),
      );
      assert.throws(
        () => wg.go(t.echo, Symbol('s')),
        (e: unknown) => isCaptureError(e),
      );
      assert.throws(() => wg.go(Math.max, 1, 2), isSpawnError);
      assert.throws(() => wg.go(((a: number) => a).bind(null), 1), isSpawnError);
      assert.throws(() => wg.go(class Nope {} as unknown as () => void), isSpawnError);
      const ghost = defineTask(fixture('does-not-exist.js'), 'ghost', () => 1);
      assert.throws(() => wg.go(ghost), isSpawnError);
      assert.equal(wg.size, 0, 'a rejected go() takes no slot');
      wg.go((a: number, b: number) => a * b, 6, 7);
      assert.equal(valueIn((await wg.wait())[0]), 42);
      await wg.close();
    },
  },
  {
    id: 'inline-function',
    title: 'inline functions are shipped as source and rebuilt in the worker',
    timeout: 30_000,
    async run(ctx) {
      const wg = await group(ctx.driver());
      wg.go(
        async ({ a, b = 2 }: { a: number; b?: number }, ...rest: number[]) => {
          const { setTimeout: wait } = await import('node:timers/promises');
          await wait(5);
          return a + b + rest.reduce((x, y) => x + y, 0);
        },
        { a: 1 },
        3,
        4,
      );
      assert.equal(valueIn((await wg.wait())[0]), 10);
      await wg.close();
    },
  },
  {
    id: 'timeout',
    title: 'a task past its timeout fails with kind "timeout"; its siblings succeed',
    timeout: 30_000,
    async run(ctx) {
      // 2 s leaves the fast sibling ample slack on a busy machine; the slow one would need 10 s.
      const wg = await group(ctx.driver({ concurrency: 2 }), { timeout: 2_000 });
      wg.go(t.sleepThen, 10_000, 'too slow');
      wg.go(t.sleepThen, 20, 'fast');
      const [slow, fast] = await wg.wait();
      const f = failureOf(slow);
      assert.equal(f.kind, 'timeout');
      assert.equal(valueIn(fast), 'fast');
      await wg.close();
    },
  },
  {
    id: 'timeout-from-start',
    title: 'the timeout counts from the moment the task starts, not from go()',
    timeout: 30_000,
    async run(ctx) {
      // Each task runs 1.5 s of its own 2.9 s (1.4 s of slack on a busy machine); counted from go(), the
      // second would need at least 3 s (1.5 s queued + 1.5 s running) and time out, whatever the machine.
      const wg = await group(ctx.driver({ concurrency: 1 }), { timeout: 2_900 });
      wg.go(t.sleepThen, 1_500, 'first');
      wg.go(t.sleepThen, 1_500, 'second');
      const [a, b] = await wg.wait();
      assert.equal(valueIn(a), 'first');
      assert.equal(valueIn(b), 'second');
      await wg.close();
    },
  },
  {
    id: 'timeout-stops-sync-work',
    title: 'a synchronous infinite loop is stopped by the timeout and the driver keeps serving',
    timeout: 30_000,
    async run(ctx) {
      const driver = ctx.driver({ concurrency: 2 });
      const wg = await group(driver, { timeout: 2_000 });
      wg.go(t.spinForever);
      wg.go(t.sleepThen, 50, 'sibling');
      const [spin, sibling] = await wg.wait();
      assert.equal(failureOf(spin).kind, 'timeout');
      assert.equal(valueIn(sibling), 'sibling');
      await assertStillServing(driver);
      await wg.close();
    },
  },
  {
    id: 'timeout-preempts-cpu',
    title: 'a synchronous task is cut off at its timeout, not when it finishes',
    timeout: 60_000,
    async run(ctx) {
      const wg = await group(ctx.driver({ concurrency: 1 }), { timeout: 200 });
      const started = performance.now();
      // The task would spin 8 s; settling within half of that (worker start-up included, on a busy
      // machine) can only mean it was cut off.
      wg.go(t.spinFor, 8_000);
      const [r] = await wg.wait();
      const elapsed = performance.now() - started;
      assert.equal(failureOf(r).kind, 'timeout');
      assert.ok(
        elapsed < 4_000,
        `the slot settled after ${Math.round(elapsed)} ms, not near its 200 ms timeout`,
      );
      await wg.close();
    },
  },
  {
    id: 'abort-method',
    title: 'abort() fails every unfinished slot with kind "aborted"; later go() calls too',
    timeout: 30_000,
    async run(ctx) {
      const wg = await group(ctx.driver({ concurrency: 1 }));
      wg.go(t.add, 1, 2);
      const [first] = await wg.wait();
      assert.equal(valueIn(first), 3);
      wg.go(t.sleepThen, 10_000, 'running');
      wg.go(t.sleepThen, 10_000, 'queued');
      const started = performance.now();
      setTimeout(() => wg.abort('user pressed stop'), 200);
      const results = await wg.wait();
      assert.ok(performance.now() - started < 5_000, 'abort must not wait for the work to finish');
      assert.equal(valueIn(results[0]), 3);
      for (const r of results.slice(1)) {
        const f = failureOf(r);
        assert.equal(f.kind, 'aborted');
        assert.match(f.message, /user pressed stop/);
      }
      const late = wg.go(t.add, 1, 1);
      assert.equal(failureOf((await wg.wait())[late]).kind, 'aborted');
      await wg.close();
    },
  },
  {
    id: 'abort-signal',
    title: 'an AbortSignal aborts the group; an already-aborted signal aborts every slot',
    timeout: 30_000,
    async run(ctx) {
      const driver = ctx.driver({ concurrency: 2 });
      const controller = new AbortController();
      const wg = await group(driver, { signal: controller.signal });
      wg.go(t.sleepThen, 10_000, 'a');
      wg.go(t.sleepThen, 10_000, 'b');
      setTimeout(() => controller.abort(new Error('request cancelled')), 200);
      for (const r of await wg.wait()) {
        const f = failureOf(r);
        assert.equal(f.kind, 'aborted');
        assert.match(f.message, /request cancelled/);
      }
      await wg.close();
      const pre = await group(driver, { signal: AbortSignal.abort('gone') });
      pre.go(t.add, 1, 1);
      assert.equal(failureOf((await pre.wait())[0]).kind, 'aborted');
      await pre.close();
      await assertStillServing(driver);
    },
  },
  {
    id: 'concurrency-limit',
    title: 'no more than `concurrency` tasks run at once (measured), and they do run in parallel',
    timeout: 60_000,
    async run(ctx) {
      const wg = await group(ctx.driver({ concurrency: 2 }));
      for (let i = 0; i < 6; i++) wg.go(t.span, 300);
      const spans = (await wg.wait()).map((r) => valueIn(r) as { start: number; end: number });
      const events = spans.flatMap((s) => [
        [s.start, 1],
        [s.end, -1],
      ]) as [number, number][];
      events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      let inFlight = 0;
      let max = 0;
      for (const [, d] of events) {
        inFlight += d;
        max = Math.max(max, inFlight);
      }
      assert.equal(max, 2, `expected exactly 2 tasks in flight at most, measured ${max}`);
      await wg.close();
    },
  },
  {
    id: 'bootstrap-once',
    title: 'the bootstrap runs once per worker, before its first task',
    timeout: 60_000,
    async run(ctx) {
      const wg = await group(ctx.driver({ concurrency: 2, bootstrap: fixture('boot-count.js') }));
      for (let i = 0; i < 6; i++) wg.go(t.bootInfo, 30);
      const infos = (await wg.wait()).map((r) => valueIn(r) as { worker: string; boots: number });
      for (const info of infos)
        assert.equal(info.boots, 1, `worker ${info.worker} ran the bootstrap ${info.boots} times`);
      await wg.close();
    },
  },
  {
    id: 'bootstrap-failure',
    title: 'a failing bootstrap fails every slot with kind "bootstrap" and its cause',
    timeout: 60_000,
    async run(ctx) {
      const wg = await group(ctx.driver({ concurrency: 2, bootstrap: fixture('boot-fail.js') }));
      for (let i = 0; i < 3; i++) wg.go(t.add, i, i);
      for (const r of await wg.wait()) {
        const f = failureOf(r);
        assert.equal(f.kind, 'bootstrap');
        assert.match(f.message, /bootstrap exploded on purpose/);
      }
      await wg.close();
    },
  },
  {
    id: 'many-tasks',
    title: 'many tasks all succeed, in order',
    timeout: 300_000,
    async run(ctx) {
      const wg = await group(ctx.driver({ concurrency: 4 }));
      for (let i = 0; i < ctx.manyTasks; i++) wg.go(t.add, i, 1);
      const results = await wg.wait();
      assert.equal(results.length, ctx.manyTasks);
      for (const [i, r] of results.entries()) assert.equal(valueIn(r), i + 1);
      await wg.close();
    },
  },
  {
    id: 'process-exit',
    title: 'process.exit(3) in a task fails only its slot (kind "crashed", exitCode 3)',
    timeout: 60_000,
    async run(ctx) {
      const f = await crashWithSiblings(ctx, (wg) => wg.go(t.exitWith, 3));
      assert.equal(f.kind, 'crashed');
      assert.equal(f.exitCode, 3);
    },
  },
  {
    id: 'uncaught-async-throw',
    title: 'an uncaught throw from a timer fails only its own slot (kind "threw")',
    timeout: 60_000,
    async run(ctx) {
      const f = await crashWithSiblings(ctx, (wg) => wg.go(t.uncaughtLater, 'boom from a timer'));
      assert.equal(f.kind, 'threw');
      assert.match(f.message, /boom from a timer/);
    },
  },
  {
    id: 'unhandled-rejection',
    title: 'an unhandled rejection fails only its own slot (kind "threw")',
    timeout: 60_000,
    async run(ctx) {
      const f = await crashWithSiblings(ctx, (wg) => wg.go(t.unhandledRejection, 'nobody awaited me'));
      assert.equal(f.kind, 'threw');
      assert.match(f.message, /nobody awaited me/);
    },
  },
  {
    id: 'out-of-memory',
    title: 'exhausting the memory limit fails only its slot (kind "oom")',
    timeout: 120_000,
    async run(ctx) {
      const f = await crashWithSiblings(ctx, (wg) => wg.go(t.allocateForever), { memoryLimitMb: 64 });
      assert.equal(f.kind, 'oom');
    },
  },
  {
    id: 'late-throw',
    title: 'a throw from a timer left behind after returning is reported, never blamed on another task',
    timeout: 60_000,
    async run(ctx) {
      const driver = ctx.driver({ concurrency: 1 });
      const strays: { failure: TaskFailure; slot: number }[] = [];
      const wg = await group(driver, { onError: (failure, slot) => strays.push({ failure, slot }) });
      wg.go(t.lateThrow, 100, 'late boom');
      wg.go(t.sleepThen, 400, 'innocent'); // may share the worker with the late throw
      const [early, innocent] = await wg.wait();
      assert.equal(valueIn(early), 'returned');
      assert.equal(
        valueIn(innocent),
        'innocent',
        'a task must never be blamed for another task’s late error',
      );
      const deadline = Date.now() + 20_000;
      while (strays.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(strays.length, 1, 'the late error must reach the group’s error handler');
      assert.equal(strays[0]?.slot, 0);
      assert.match(strays[0]?.failure.message ?? '', /late boom/);
      await assertStillServing(driver);
      await wg.close();
    },
  },
  {
    id: 'idle-exits',
    title: 'an idle driver that was never closed does not keep its process alive',
    timeout: 60_000,
    async run(ctx) {
      assert.ok(ctx.driverModule, 'this case needs the driver module URL');
      const script = `
        const { WaitGroup } = await import(${JSON.stringify(new URL('../index.js', import.meta.url).href)});
        const { createDriver } = await import(${JSON.stringify(ctx.driverModule)});
        const { add } = await import(${JSON.stringify(fixture('tasks.js'))});
        const wg = new WaitGroup({ driver: createDriver({ concurrency: 2 }) });
        wg.go(add, 2, 2);
        const [r] = await wg.wait();
        console.log('RESULT', JSON.stringify(r.ok ? r.value : r.error));`;
      const { out, code: exited } = await runNode(
        ['--input-type=module', '-e', script],
        process.cwd(),
        30_000,
      );
      assert.match(out, /RESULT 4/, 'the task must have run');
      // An idle driver that held the process open would keep it forever; 30 s only bounds a busy start.
      assert.equal(exited, 0, 'the process must exit on its own within 30 s once its work is done');
    },
  },
  {
    id: 'typescript-tasks',
    title: 'TypeScript task modules run without a build step when the parent runs under tsx',
    timeout: 120_000,
    async run(ctx) {
      assert.ok(ctx.driverModule, 'this case needs the driver module URL');
      let tsxLoader: string;
      let tsxCli: string;
      try {
        tsxLoader = import.meta.resolve('tsx');
        tsxCli = fileURLToPath(import.meta.resolve('tsx/cli'));
      } catch {
        throw new Error('this case needs the tsx package installed next to @isolane/core');
      }
      const dir = mkdtempSync(join(tmpdir(), 'isolane-ts-'));
      try {
        writeFileSync(
          join(dir, 'task.mts'),
          `import { defineTask } from ${JSON.stringify(new URL('../task-module.js', import.meta.url).href)};
interface Doubled { readonly input: number; readonly output: number }
export const double = defineTask(import.meta.url, 'double', (n: number): Doubled => ({ input: n, output: n * 2 }));
`,
        );
        writeFileSync(
          join(dir, 'main.mts'),
          `import { WaitGroup } from ${JSON.stringify(new URL('../index.js', import.meta.url).href)};
import { createDriver } from ${JSON.stringify(ctx.driverModule)};
import { double } from './task.mjs';
const driver = createDriver({ concurrency: 2 });
const wg = new WaitGroup({ driver });
wg.go(double, 21);
wg.go((s: string): string => s.toUpperCase(), 'inline');
const results = await wg.wait();
await driver.close();
process.stdout.write(\`RESULTS \${JSON.stringify(results.map((r) => (r.ok ? r.value : r.error)))}\\n\`);
`,
        );
        const expected = `RESULTS ${JSON.stringify([{ input: 21, output: 42 }, 'INLINE'])}`;
        for (const args of [
          ['--import', tsxLoader, 'main.mts'],
          [tsxCli, 'main.mts'],
        ]) {
          const { out, err, code } = await runNode(args, dir, 60_000);
          assert.ok(out.includes(expected), `node ${args.join(' ')} printed:\n${out}\n${err}`);
          assert.equal(code, 0);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  CAPTURE_RULES_CASE,
  BUFFER_ROUNDTRIP_CASE,
  ...PARITY_CASES,
  ...OUTPUT_CASES,
  ...ABORT_REASON_CASES,
  ...CLOSE_SETTLES_CASES,
  SPARSE_ARRAY_CASE,
  ...PROCESS_TREE_CASES,
  ...HOSTILE_RUNTIME_CASES,
  ...HOSTILE_CHANNEL_CASES,
  ...HOSTILE_PORT_CASES,
  ...TRANSFER_PORT_CASES,
  ...BOOTSTRAP_DEADLINE_CASES,
];

/**
 * The ids of every case.
 *
 * @example
 * ```ts
 * const ids: readonly CaseId[] = CASE_IDS;
 * ```
 */
export const CASE_IDS = CONFORMANCE_CASES.map((c) => c.id);

/** A case id. */
export type CaseId = (typeof CONFORMANCE_CASES)[number]['id'];

/**
 * Runs one case against a driver factory, closing every driver it made.
 *
 * @example
 * ```ts
 * await runCase('timeout', { name: 'thread', createDriver: (s) => new ThreadDriver(s) });
 * ```
 */
export async function runCase(
  id: string,
  options: {
    name: string;
    createDriver: (settings: DriverSettings) => Driver;
    manyTasks?: number;
    driverModule?: string;
  },
): Promise<void> {
  const found = CONFORMANCE_CASES.find((c) => c.id === id);
  if (!found) throw new TypeError(`unknown conformance case "${id}" (known: ${CASE_IDS.join(', ')})`);
  const drivers: Driver[] = [];
  const ctx: CaseContext = {
    name: options.name,
    manyTasks: options.manyTasks ?? 1_000,
    ...(options.driverModule ? { driverModule: options.driverModule } : {}),
    driver(settings = {}) {
      const driver = options.createDriver({ concurrency: 2, ...settings });
      drivers.push(driver);
      return driver;
    },
  };
  try {
    await found.run(ctx);
  } finally {
    await Promise.all(drivers.map((d) => d.close()));
  }
}
