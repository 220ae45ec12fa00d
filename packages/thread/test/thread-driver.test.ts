/**
 * The thread driver's own guarantees, beyond the shared conformance suite: a fresh heap per task,
 * failures mapped to the right kind next to healthy siblings, lingering workers that do not hold a slot,
 * prespawned workers, no thread left after close(), large buffers moved both ways.
 */
import { Worker } from 'node:worker_threads';
import { type Result, type TaskFailure, transfer, WaitGroup } from '@isolane/core';
import { countThreads, eventually } from '@isolane/core/testing';
import { ThreadDriver } from '@isolane/thread';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as t from './fixtures/tasks.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).href;
const drivers: ThreadDriver[] = [];

function driver(options: ConstructorParameters<typeof ThreadDriver>[0] = {}): ThreadDriver {
  const d = new ThreadDriver({ concurrency: 2, ...options });
  drivers.push(d);
  return d;
}

function valueIn(r: Result<unknown> | undefined): unknown {
  if (!r?.ok) throw new Error(`expected a value, got ${JSON.stringify(r)}`);
  return r.value;
}

function failureOf(r: Result<unknown> | undefined): TaskFailure {
  if (!r || r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r)}`);
  return r.error;
}

async function settleOne(d: ThreadDriver, go: (wg: WaitGroup) => void): Promise<Result<unknown>> {
  const wg = new WaitGroup({ driver: d });
  go(wg);
  const [r] = await wg.wait();
  await wg.close();
  return r!;
}

beforeAll(async () => {
  // Warm libuv's thread pool and one worker start, so thread counts compare like with like.
  const w = new Worker('0', { eval: true });
  await new Promise((resolve) => w.once('exit', resolve));
});

afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
});

describe('a fresh worker per task', () => {
  it('never lets two tasks share a heap', async () => {
    const wg = new WaitGroup({ driver: driver({ concurrency: 1 }) });
    for (let i = 0; i < 4; i++) wg.go(t.heapRuns);
    expect((await wg.wait()).map(valueIn)).toEqual([1, 1, 1, 1]);
  });

  it('loads the bootstrap before the task', async () => {
    const before = Date.now();
    const r = await settleOne(driver({ bootstrap: new URL(fixture('boot-stamp.js')) }), (wg) =>
      wg.go(t.whereAmI),
    );
    const { bootedAt } = valueIn(r) as { bootedAt: number };
    expect(bootedAt).toBeGreaterThanOrEqual(before - 5);
  });

  it('runs module tasks and inline functions', async () => {
    const wg = new WaitGroup({ driver: driver() });
    wg.go(t.add, 2, 3);
    wg.go((s: string) => s.repeat(2), 'ab');
    expect((await wg.wait()).map(valueIn)).toEqual([5, 'abab']);
  });
});

describe('failures', () => {
  it('maps every kind of death to its slot while siblings succeed, and keeps serving', async () => {
    const d = driver({ concurrency: 3, memoryLimitMb: 48 });
    // The timeout leaves the sleeping tasks seconds of slack on a busy machine; only the spinning task
    // reaches it.
    const wg = new WaitGroup({ driver: d, timeout: 4_000 });
    wg.go(t.sleepThen, 200, 'sibling');
    wg.go(() => {
      throw new TypeError('thrown');
    });
    wg.go(async () => {
      await new Promise((r) => setTimeout(r, 5));
      throw new RangeError('rejected');
    });
    wg.go(async () => {
      setTimeout(() => {
        throw new SyntaxError('from a timer');
      }, 5);
      await new Promise((r) => setTimeout(r, 1_000));
    });
    wg.go(async () => {
      void Promise.reject(new Error('nobody awaited me'));
      await new Promise((r) => setTimeout(r, 1_000));
    });
    wg.go(() => process.exit(7));
    wg.go(t.allocateForever);
    wg.go(t.spinForever);
    wg.go(() => ({ fn: new WeakMap() }));
    wg.go(t.neverSettles);
    wg.go(t.add, 40, 2);
    const [sibling, threw, rejected, timer, rejection, exited, oom, spun, unserializable, never, last] =
      await wg.wait();
    expect(valueIn(sibling)).toBe('sibling');
    expect(failureOf(threw)).toMatchObject({ kind: 'threw', name: 'TypeError', message: 'thrown' });
    expect(failureOf(threw).stack).toMatch(/TypeError: thrown/);
    expect(failureOf(rejected)).toMatchObject({ kind: 'threw', name: 'RangeError', message: 'rejected' });
    expect(failureOf(timer)).toMatchObject({ kind: 'threw', name: 'SyntaxError', message: 'from a timer' });
    expect(failureOf(timer).stack).toMatch(/SyntaxError: from a timer/);
    expect(failureOf(rejection)).toMatchObject({ kind: 'threw', message: 'nobody awaited me' });
    expect(failureOf(exited)).toMatchObject({ kind: 'crashed', exitCode: 7 });
    expect(failureOf(oom)).toMatchObject({ kind: 'oom', code: 'ERR_WORKER_OUT_OF_MEMORY' });
    expect(failureOf(spun)).toMatchObject({ kind: 'timeout' });
    expect(failureOf(spun).message).toMatch(/4000 ms/);
    expect(failureOf(unserializable).kind).toBe('unserializable');
    // A promise that never settles is a task still running: it ends at its timeout (issue 11, decision 2).
    expect(failureOf(never)).toMatchObject({ kind: 'timeout' });
    expect(valueIn(last)).toBe(42);
    expect(valueIn(await settleOne(d, (g) => g.go(t.add, 1, 1)))).toBe(2);
  });

  it('serves a new task after each crash', async () => {
    const d = driver({ concurrency: 1 });
    const crashes: ((wg: WaitGroup) => void)[] = [
      (wg) => wg.go(() => process.exit(3)),
      (wg) => wg.go(t.spinForever),
    ];
    for (const crash of crashes) {
      const wg = new WaitGroup({ driver: d, timeout: 300 });
      crash(wg);
      wg.go(t.add, 1, 2);
      const [dead, ok] = await wg.wait();
      expect(['crashed', 'timeout']).toContain(failureOf(dead).kind);
      expect(valueIn(ok)).toBe(3);
    }
  });

  it('fails a task whose arguments cannot be posted as unserializable, at the driver', async () => {
    const d = driver();
    const result = await new Promise<Result<unknown>>((settle) =>
      d.start({ task: { kind: 'inline', source: '(x) => x' }, args: [() => 1] }, { settle, stray() {} }),
    );
    expect(failureOf(result).kind).toBe('unserializable');
  });

  it('aborts a running synchronous loop and a queued task', async () => {
    const d = driver({ concurrency: 1 });
    const controller = new AbortController();
    const wg = new WaitGroup({ driver: d, signal: controller.signal });
    wg.go(t.spinForever);
    wg.go(t.add, 1, 1);
    setTimeout(() => controller.abort('stop'), 200);
    const results = await wg.wait();
    for (const r of results) expect(failureOf(r)).toMatchObject({ kind: 'aborted', message: 'stop' });
    expect(valueIn(await settleOne(d, (g) => g.go(t.add, 2, 2)))).toBe(4);
  });
});

describe('after the outcome', () => {
  it('reports a throw from a left-behind timer as a stray of its own slot only', async () => {
    const strays: [TaskFailure, number][] = [];
    const wg = new WaitGroup({
      driver: driver({ concurrency: 1 }),
      onError: (f, slot) => strays.push([f, slot]),
    });
    wg.go(t.lateThrow, 50, 'late boom');
    wg.go(t.sleepThen, 300, 'innocent');
    const [early, innocent] = await wg.wait();
    expect(valueIn(early)).toBe('returned');
    expect(valueIn(innocent)).toBe('innocent');
    expect(await eventually(() => strays.length > 0, 5_000)).toBe(true);
    expect(strays).toHaveLength(1);
    expect(strays[0]![1]).toBe(0);
    expect(strays[0]![0]).toMatchObject({ kind: 'threw', message: 'late boom' });
  });

  it('reports an exit with a non-zero code after the outcome as a crashed stray', async () => {
    const strays: TaskFailure[] = [];
    const wg = new WaitGroup({ driver: driver(), onError: (f) => strays.push(f) });
    wg.go(t.lateExit, 30, 9);
    expect(valueIn((await wg.wait())[0])).toBe('returned');
    expect(await eventually(() => strays.length > 0, 5_000)).toBe(true);
    expect(strays[0]).toMatchObject({ kind: 'crashed', exitCode: 9 });
  });

  it('does not count a lingering worker against concurrency, and terminates it after lingerMs', async () => {
    // Counted against concurrency, the second task would wait out the 6 s linger; two cold threads start
    // in well under 5 s even on a busy machine, and the lingering one is surely still there after.
    const d = driver({ concurrency: 1, lingerMs: 6_000 });
    const wg = new WaitGroup({ driver: d });
    const started = performance.now();
    wg.go(t.leaveTimer, 60_000);
    wg.go(t.add, 1, 1);
    const [left, next] = await wg.wait();
    expect(valueIn(left)).toBe('left');
    expect(valueIn(next)).toBe(2);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(d.threadCount).toBeGreaterThan(0);
    expect(await eventually(() => d.threadCount === 0, 30_000)).toBe(true);
  });

  it('lets a worker with nothing left exit by itself at once', async () => {
    const d = driver({ lingerMs: 60_000 });
    expect(valueIn(await settleOne(d, (wg) => wg.go(t.add, 1, 1)))).toBe(2);
    expect(await eventually(() => d.threadCount === 0, 5_000)).toBe(true);
  });
});

describe('concurrency and close()', () => {
  it('never runs more than `concurrency` tasks at once', async () => {
    const shared = new SharedArrayBuffer(8);
    const wg = new WaitGroup({ driver: driver({ concurrency: 2 }) });
    for (let i = 0; i < 6; i++) wg.go(t.gauge, shared, 150);
    for (const r of await wg.wait()) valueIn(r);
    expect(new Int32Array(shared)[1]).toBe(2);
  });

  it('leaves no worker thread behind after close(), whatever the workers were doing', async () => {
    const before = countThreads();
    expect(before).toBeDefined();
    const d = new ThreadDriver({ concurrency: 3, prespawn: 2 });
    const wg = new WaitGroup({ driver: d });
    wg.go(t.spinForever);
    wg.go(t.sleepThen, 60_000, 'never');
    wg.go(t.leaveTimer, 60_000); // settles at once, then lingers
    wg.go(t.sleepThen, 60_000, 'never'); // takes the slot the lingering worker gave up
    wg.go(t.add, 1, 1); // queued
    // Wait for the events the verdict stands on, not for a fixed time: the lingering task has settled
    // (four slots left open) and the busy workers are up.
    expect(await eventually(() => wg.count === 4, 30_000)).toBe(true);
    expect(await eventually(() => (countThreads() ?? 0) > before!, 30_000)).toBe(true);
    await d.close();
    const results = await wg.wait();
    expect(results.map((r) => (r.ok ? r.value : r.error.kind))).toEqual([
      'aborted',
      'aborted',
      'left',
      'aborted',
      'aborted',
    ]);
    expect(d.threadCount).toBe(0);
    expect(await eventually(() => (countThreads() ?? 0) <= before!, 10_000)).toBe(true);
    // Closed: later jobs settle as aborted at once.
    expect(failureOf(await settleOne(d, (g) => g.go(t.add, 1, 1))).kind).toBe('aborted');
    await d.close(); // idempotent
  });
});

describe('prespawn', () => {
  it('runs each task in a worker that was started before it, then replaces that worker', async () => {
    // Each worker announces its boot; the test waits for that event (bounded), then lets 150 ms pass
    // so that "booted well before go()" holds by construction, however slow the boot was.
    const boots = new BroadcastChannel('isolane-test:boot-stamp');
    let booted = 0;
    boots.onmessage = () => {
      booted++;
    };
    // One task at a time, so the workers come in a known order: round i runs its first task on worker
    // 2i+1 (prespawned during the previous round) and its second on the refill started meanwhile. With
    // two at once a cold worker's boot could be counted for the prespawned one still booting.
    const d = driver({ prespawn: 1, concurrency: 1, bootstrap: fixture('boot-stamp.js') });
    const seen = new Set<number>();
    for (let i = 0; i < 3; i++) {
      const ready = await eventually(() => booted > 2 * i, 30_000);
      expect(ready, `worker ${i + 1} never booted`).toBe(true);
      await new Promise((r) => setTimeout(r, 150));
      const goAt = performance.timeOrigin + performance.now();
      const wg = new WaitGroup({ driver: d });
      wg.go(t.whereAmI);
      wg.go(t.heapRuns);
      const [where, runs] = await wg.wait();
      const { threadId, bootedAt } = valueIn(where) as { threadId: number; bootedAt: number };
      expect(goAt - bootedAt, 'the bootstrap ran well before go()').toBeGreaterThan(100);
      expect(valueIn(runs)).toBe(1);
      expect(seen.has(threadId)).toBe(false);
      seen.add(threadId);
    }
    boots.close();
  });

  it('keeps prespawned workers from holding the process open (checked in a fresh process)', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [new URL(fixture('idle-shared.js')).pathname], {
      cwd: new URL('..', import.meta.url).pathname,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 10_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(out).toMatch(/RESULT 5/);
    expect(code).toBe(0);
  });
});

describe('large data', () => {
  const size = 16 * 1024 * 1024;
  const pattern = () => {
    const data = new Uint8Array(size);
    for (let i = 0; i < size; i++) data[i] = (i * 31) % 251;
    return data;
  };

  it('round-trips a 16 MiB argument (copied) and a 16 MiB result', async () => {
    const data = pattern();
    const wg = new WaitGroup({ driver: driver() });
    wg.go(t.verify, data);
    wg.go(t.bytes, size, 9);
    const [checked, made] = await wg.wait();
    expect(valueIn(checked)).toEqual({ ok: true, length: size });
    expect(data.byteLength).toBe(size);
    const out = valueIn(made) as Uint8Array;
    expect(out).toBeInstanceOf(Uint8Array);
    expect(out.length).toBe(size);
    expect(out[0]).toBe(9);
    expect(out[size - 1]).toBe(9);
  });

  it('moves a transferred 16 MiB argument: the caller’s buffer is detached after go()', async () => {
    const data = pattern();
    const wg = new WaitGroup({ driver: driver({ prespawn: 1 }) });
    wg.go(t.verify, transfer(data));
    expect(data.byteLength).toBe(0);
    const data2 = pattern();
    wg.go(t.verify, transfer(data2));
    expect(data2.byteLength).toBe(0);
    for (const r of await wg.wait()) expect(valueIn(r)).toEqual({ ok: true, length: size });
  });

  it('sends buffers at the top level of a result back intact', async () => {
    const r = valueIn(await settleOne(driver(), (wg) => wg.go(t.buffers, 1024 * 1024))) as {
      raw: ArrayBuffer;
      view: Float64Array;
      label: string;
    };
    expect(r.raw).toBeInstanceOf(ArrayBuffer);
    expect(r.raw.byteLength).toBe(1024 * 1024);
    expect(r.view).toBeInstanceOf(Float64Array);
    expect(r.view.length).toBe(128 * 1024);
    expect(r.view[100]).toBe(1.5);
    expect(r.label).toBe('two buffers');
  });
});

describe('by name', () => {
  it('is what `driver: "thread"` loads, sharing one driver per settings', async () => {
    const { shutdown } = await import('@isolane/core');
    try {
      const wg = new WaitGroup({ driver: 'thread', concurrency: 2, driverOptions: { lingerMs: 100 } });
      wg.go(t.add, 20, 22);
      wg.go((n: number) => n + 1, 1);
      expect((await wg.wait()).map(valueIn)).toEqual([42, 2]);
    } finally {
      await shutdown();
    }
  });
});
