/**
 * The conformance cases of a hostile task against the worker-side runtime: a task whose result throws
 * when it is inspected fails its own slot and the worker keeps serving; a task that patches the builtins
 * the driver's machinery could use (Map, Set, Array, Promise, Object.prototype.then, JSON, timers,
 * `process`…) leaves every other task's result — in its group and in a later group on the same driver,
 * on the same warm worker — correct, and the driver alive. Under `cooperative` tasks share the host's
 * builtins: the patching case is not supported there.
 */
import assert from 'node:assert/strict';
import type { Driver } from '../driver.js';
import type { TaskFailure } from '../failure.js';
import type { Result } from '../result.js';
import { WaitGroup } from '../wait-group.js';
import type { ConformanceCase } from './cases.js';
import * as t from './fixtures/tasks.js';

/** Long enough for a loaded machine, short enough that a wedged worker fails the case, not the suite. */
const GROUP_TIMEOUT_MS = 20_000;

function show(r: Result<unknown> | undefined): string {
  if (r === undefined) return 'no result';
  return r.ok ? `the value ${String(r.value)}` : `${r.error.kind}: ${r.error.message}`;
}

function valueIn(r: Result<unknown> | undefined, what: string): unknown {
  assert.ok(r?.ok, `${what}: expected a value, got ${show(r)}`);
  return (r as { value: unknown }).value;
}

function failureOf(r: Result<unknown> | undefined, what: string): TaskFailure {
  assert.ok(r !== undefined && !r.ok, `${what}: expected a failure, got ${show(r)}`);
  return (r as { error: TaskFailure }).error;
}

/** Innocent tasks after an attack: a module task, an inline one, an async one, each its own value. */
function goInnocents(wg: WaitGroup): void {
  wg.go(t.add, 20, 22);
  wg.go((s: string) => `${s}!`, 'inline');
  wg.go(async (n: number) => n * 2, 21);
}

function assertInnocents(results: readonly Result<unknown>[], from: number, after: string): void {
  assert.equal(valueIn(results[from], `a module task after ${after}`), 42);
  assert.equal(valueIn(results[from + 1], `an inline task after ${after}`), 'inline!');
  assert.equal(valueIn(results[from + 2], `an async task after ${after}`), 42);
}

/** A later group on the same driver: its tasks get their own values. */
async function assertLaterGroup(driver: Driver, after: string): Promise<void> {
  const wg = new WaitGroup({ driver, config: false, timeout: GROUP_TIMEOUT_MS });
  goInnocents(wg);
  assertInnocents(await wg.wait(), 0, `${after} (a later group)`);
  await wg.close();
}

/** Task bodies whose value throws when the runtime inspects it (inline: no capture). */
const UNREADABLE: readonly { readonly what: string; readonly task: () => unknown; readonly says?: string }[] =
  [
    {
      what: 'a revoked Proxy',
      task: () => {
        const p = Proxy.revocable({}, {});
        p.revoke();
        return p.proxy;
      },
    },
    {
      what: 'an object whose `then` getter throws',
      task: () => ({
        // biome-ignore lint/suspicious/noThenProperty: the attack is a `then` that throws when read
        get then(): never {
          throw new Error('then-getter-threw');
        },
      }),
      says: 'then-getter-threw',
    },
    {
      what: 'a Proxy whose get trap throws',
      task: () =>
        new Proxy(
          {},
          {
            get() {
              throw new Error('get-trap-threw');
            },
          },
        ),
      says: 'get-trap-threw',
    },
    {
      what: 'a Proxy whose getPrototypeOf trap throws',
      task: () =>
        new Proxy(
          {},
          {
            getPrototypeOf() {
              throw new Error('prototype-trap-threw');
            },
          },
        ),
      says: 'prototype-trap-threw',
    },
  ];

/**
 * A result that throws when inspected fails that task alone (`unserializable` or `threw`, saying what
 * threw); the next task on the same worker runs, and so does a later group's.
 *
 * @example
 * ```ts
 * await UNREADABLE_RESULT_CASE.run(ctx);
 * ```
 */
export const UNREADABLE_RESULT_CASE: ConformanceCase = {
  id: 'unreadable-result',
  title:
    'a task returning a revoked Proxy (or a throwing `then` getter or proxy trap) fails its own slot; the next task on that worker runs',
  timeout: 120_000,
  async run(ctx) {
    const driver = ctx.driver({ concurrency: 1 });
    for (const attack of UNREADABLE) {
      const wg = new WaitGroup({ driver, config: false, timeout: GROUP_TIMEOUT_MS });
      wg.go(attack.task);
      goInnocents(wg);
      const results = await wg.wait();
      await wg.close();
      const f = failureOf(results[0], attack.what);
      assert.ok(
        f.kind === 'unserializable' || f.kind === 'threw',
        `${attack.what}: expected kind unserializable or threw, got ${f.kind}: ${f.message}`,
      );
      if (attack.says !== undefined) {
        assert.ok(
          f.message.includes(attack.says),
          `${attack.what}: the message must say what threw: ${f.message}`,
        );
      }
      assertInnocents(results, 1, attack.what);
      await assertLaterGroup(driver, attack.what);
    }
  },
};

/**
 * Tasks that patch a builtin and still return their own value (inline: no capture). On a warm worker
 * they pile up: each runs where the previous ones already patched.
 */
const PATCHES: readonly { readonly what: string; readonly task: () => unknown }[] = [
  {
    what: 'Array.prototype.push',
    task: () => {
      Array.prototype.push = function push(this: unknown[]) {
        return this.length;
      };
      return 'mine';
    },
  },
  {
    what: 'Map.prototype.get/set/has',
    task: () => {
      Map.prototype.get = () => () => 'attacker';
      Map.prototype.has = () => true;
      Map.prototype.set = function set(this: Map<unknown, unknown>) {
        return this;
      };
      return 'mine';
    },
  },
  {
    what: 'Set.prototype.add/delete',
    task: () => {
      Set.prototype.add = function add(this: Set<unknown>) {
        return this;
      };
      Set.prototype.delete = () => true;
      return 'mine';
    },
  },
  {
    what: 'Object.prototype.then',
    task: () => {
      Object.defineProperty(Object.prototype, 'then', {
        value() {},
        configurable: true,
        writable: true,
      });
      return 'mine';
    },
  },
  {
    what: 'Promise.prototype.then',
    task: () => {
      // biome-ignore lint/suspicious/noThenProperty: the attack is a replaced Promise.prototype.then
      Promise.prototype.then = function then(this: Promise<unknown>) {
        return this;
      } as typeof Promise.prototype.then;
      return 'mine';
    },
  },
  {
    what: 'Function.prototype.call/apply/bind',
    task: () => {
      Function.prototype.call = () => 'attacker';
      Function.prototype.apply = () => 'attacker';
      Function.prototype.bind = () => () => 'attacker';
      return 'mine';
    },
  },
  {
    what: 'JSON, structuredClone, queueMicrotask, setTimeout',
    task: () => {
      JSON.stringify = () => '"attacker"';
      JSON.parse = () => 'attacker';
      globalThis.structuredClone = (() => 'attacker') as typeof structuredClone;
      globalThis.queueMicrotask = () => {};
      globalThis.setTimeout = (() => 0) as unknown as typeof setTimeout;
      return 'mine';
    },
  },
  {
    what: 'Atomics, performance, MessagePort.prototype.postMessage',
    task: () => {
      const atomics = Atomics as unknown as Record<string, unknown>;
      atomics.store = () => 0;
      atomics.load = () => 0;
      (globalThis as { performance?: unknown }).performance = undefined;
      const port = (globalThis as { MessagePort?: { prototype: { postMessage: unknown } } }).MessagePort;
      if (port) port.prototype.postMessage = () => {};
      return 'mine';
    },
  },
  {
    what: 'Error.prepareStackTrace, Array.prototype[Symbol.iterator]',
    task: () => {
      (Error as { prepareStackTrace?: unknown }).prepareStackTrace = () => {
        throw new Error('prepareStackTrace');
      };
      Array.prototype[Symbol.iterator] = function* empty() {} as never;
      return 'mine';
    },
  },
  {
    what: 'process.send, process.exit, globalThis.process',
    task: () => {
      if (process.send) process.send = () => true;
      process.exit = (() => {}) as never;
      (globalThis as { process?: unknown }).process = { patched: true };
      return 'mine';
    },
  },
];

/**
 * Builtins a task patches do not reach the driver's machinery: every other task gets its own value.
 *
 * @example
 * ```ts
 * await PATCHED_BUILTINS_CASE.run(ctx);
 * ```
 */
export const PATCHED_BUILTINS_CASE: ConformanceCase = {
  id: 'patched-builtins',
  title:
    'a task that patches builtins (Map, Array, Promise, Object.prototype.then, process…) gets its own value; tasks after it in its group and in a later group get theirs',
  timeout: 240_000,
  async run(ctx) {
    // One worker at a time, kept warm where the model keeps workers: the patches pile up on it.
    const driver = ctx.driver({ concurrency: 1 });
    for (const patch of PATCHES) {
      const wg = new WaitGroup({ driver, config: false, timeout: GROUP_TIMEOUT_MS });
      wg.go(patch.task);
      goInnocents(wg);
      const results = await wg.wait();
      await wg.close();
      assert.equal(valueIn(results[0], `the task that patched ${patch.what}`), 'mine');
      assertInnocents(results, 1, `a task patched ${patch.what}`);
      await assertLaterGroup(driver, `a task patched ${patch.what}`);
    }
  },
};

/**
 * A task whose promise never settles is still running: with a timeout it ends as `timeout`, under every
 * driver (never `crashed` because its worker's event loop emptied); its sibling succeeds.
 *
 * @example
 * ```ts
 * await NEVER_SETTLING_CASE.run(ctx);
 * ```
 */
export const NEVER_SETTLING_CASE: ConformanceCase = {
  id: 'never-settling',
  title: 'a task whose promise never settles ends as `timeout` at its timeout; its sibling succeeds',
  timeout: 60_000,
  async run(ctx) {
    const driver = ctx.driver({ concurrency: 2 });
    const wg = new WaitGroup({ driver, config: false, timeout: 1_500 });
    wg.go(() => new Promise<never>(() => {}));
    wg.go(t.add, 1, 2);
    const [never, sibling] = await wg.wait();
    await wg.close();
    const f = failureOf(never, 'a task that never settles');
    assert.equal(
      f.kind,
      'timeout',
      `a task that never settles: expected timeout, got ${f.kind}: ${f.message}`,
    );
    assert.equal(valueIn(sibling, 'its sibling'), 3);
    await assertLaterGroup(driver, 'a task that never settled');
  },
};

/** The hostile-runtime cases, in the order they run. */
export const HOSTILE_RUNTIME_CASES: readonly ConformanceCase[] = [
  UNREADABLE_RESULT_CASE,
  PATCHED_BUILTINS_CASE,
  NEVER_SETTLING_CASE,
];
