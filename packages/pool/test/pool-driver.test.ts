import {
  type Driver,
  moduleTaskSpec,
  type Result,
  shutdown,
  type TaskFailure,
  WaitGroup,
} from '@isolane/core';
import { countThreads, eventually } from '@isolane/core/testing';
import { createDriver, PoolDriver } from '@isolane/pool';
import { afterEach, describe, expect, it } from 'vitest';
import * as t from './fixtures/tasks.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).href;

const drivers: PoolDriver[] = [];
function pool(options: ConstructorParameters<typeof PoolDriver>[0] = {}): PoolDriver {
  const driver = new PoolDriver({ concurrency: 2, ...options });
  drivers.push(driver);
  return driver;
}

afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
});

interface Started {
  readonly result: Promise<Result<unknown>>;
  readonly strays: TaskFailure[];
  abort(): void;
}

/** Starts one job on a driver directly (no WaitGroup: arguments may be shared memory). */
function start(
  driver: Driver,
  task: (...args: never[]) => unknown,
  args: unknown[],
  timeout?: number,
): Started {
  const spec = moduleTaskSpec(task);
  if (!spec) throw new Error('not a module task');
  const strays: TaskFailure[] = [];
  let settle!: (r: Result<unknown>) => void;
  const result = new Promise<Result<unknown>>((resolve) => {
    settle = resolve;
  });
  const handle = driver.start(
    { task: spec, args, ...(timeout !== undefined ? { timeout } : {}) },
    { settle, stray: (f) => strays.push(f) },
  );
  return {
    result,
    strays,
    abort: () => handle.abort({ kind: 'aborted', name: 'AbortError', message: 'stop' }),
  };
}

function value(r: Result<unknown>): unknown {
  if (!r.ok) throw new Error(`expected a value, got ${r.error.kind}: ${r.error.message}`);
  return r.value;
}

function failure(r: Result<unknown>): TaskFailure {
  if (r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r.value)}`);
  return r.error;
}

/** Runs a burst of trivial tasks so the driver learns they are short and pipelines the next ones. */
async function warm(driver: Driver): Promise<void> {
  const jobs = Array.from({ length: 400 }, (_, i) => start(driver, t.add, [i, 1]));
  await Promise.all(jobs.map((j) => j.result));
}

const counters = (n: number) => new SharedArrayBuffer(4 * n);
const counts = (sab: SharedArrayBuffer) => [...new Int32Array(sab)];

describe('PoolDriver: batches', () => {
  it('runs a deep burst in order; a member that throws or cannot be sent fails only its own slot', async () => {
    const driver = pool();
    await warm(driver);
    const jobs: Started[] = [];
    for (let i = 0; i < 3_000; i++) {
      if (i === 1_234) jobs.push(start(driver, t.add, [() => 1, 2]));
      else jobs.push(start(driver, t.throwIf, [i, i === 777 || i === 2_001 ? i : -1]));
    }
    const results = await Promise.all(jobs.map((j) => j.result));
    results.forEach((r, i) => {
      if (i === 777 || i === 2_001) {
        expect(failure(r)).toMatchObject({ kind: 'threw', name: 'RangeError', message: `bad ${i}` });
      } else if (i === 1_234) {
        expect(failure(r).kind).toBe('unserializable');
      } else expect(value(r)).toBe(i);
    });
  });

  it('shares a burst among all the workers the pool will have, even when only one exists yet', async () => {
    const driver = pool({ concurrency: 2 });
    for (let i = 0; i < 300; i++) value(await start(driver, t.add, [i, 1]).result); // one warm worker; "tasks are tiny"
    expect(driver.threads).toBe(1);
    const spans = (
      await Promise.all(Array.from({ length: 4 }, () => start(driver, t.span, [300]).result))
    ).map((r) => value(r) as { start: number; end: number });
    const overlaps = spans.filter((a) => spans.some((b) => a !== b && b.start < a.end && a.start < b.end));
    expect(
      overlaps.length,
      'the long tasks ran on both workers, not queued behind each other',
    ).toBeGreaterThanOrEqual(2);
  });

  it('sends a lone task at once: it runs while the caller is still busy', async () => {
    const driver = pool({ concurrency: 1 });
    await warm(driver);
    const sab = counters(1);
    const job = start(driver, t.count, [sab, 0]);
    const until = Date.now() + 300;
    let seen = 0;
    while (Date.now() < until && seen === 0) seen = Atomics.load(new Int32Array(sab), 0);
    expect(seen, 'the task ran before the caller yielded').toBe(1);
    expect(value(await job.result)).toBe(0);
  });

  it('a result that cannot be sent back fails only its slot', async () => {
    const driver = pool({ concurrency: 1 });
    await warm(driver);
    const jobs = [
      start(driver, t.add, [1, 1]),
      start(driver, t.returnFunction, []),
      start(driver, t.add, [2, 2]),
    ];
    const [a, b, c] = await Promise.all(jobs.map((j) => j.result));
    expect(value(a!)).toBe(2);
    expect(failure(b!).kind).toBe('unserializable');
    expect(value(c!)).toBe(4);
  });
});

describe('PoolDriver: late errors (DESIGN section 5)', () => {
  it('a task that returned and then throws from a timer is reported as itself, never as the task running next', async () => {
    const driver = pool({ concurrency: 1 });
    await warm(driver);
    const before = value(await start(driver, t.whoAmI, []).result) as { threadId: number };
    const late = start(driver, t.lateThrow, [50, 'late boom']);
    const innocent = start(driver, t.sleepThen, [300, 'innocent']);
    const after = start(driver, t.add, [1, 2]);
    expect(value(await late.result)).toBe('returned');
    expect(value(await innocent.result), 'the task running when the error fired is not blamed').toBe(
      'innocent',
    );
    expect(value(await after.result)).toBe(3);
    await eventually(() => late.strays.length > 0, 5_000);
    expect(late.strays).toHaveLength(1);
    expect(late.strays[0]).toMatchObject({ kind: 'threw', message: 'late boom' });
    expect(innocent.strays).toEqual([]);
    // The worker whose state is now suspect was replaced once its innocent task was done.
    const next = value(await start(driver, t.whoAmI, []).result) as { threadId: number };
    expect(next.threadId).not.toBe(before.threadId);
  });

  it('an unhandled rejection left behind by a returned task is reported as that task’s', async () => {
    const driver = pool({ concurrency: 1 });
    const late = start(driver, t.lateReject, [30, 'nobody awaited me']);
    const innocent = start(driver, t.sleepThen, [200, 'innocent']);
    expect(value(await late.result)).toBe('returned');
    expect(value(await innocent.result)).toBe('innocent');
    await eventually(() => late.strays.length > 0, 5_000);
    expect(late.strays[0]).toMatchObject({ kind: 'threw', message: 'nobody awaited me' });
  });

  it('process.exit from a timer a returned task left behind: that task gets the crash; tasks queued behind run once', async () => {
    const driver = pool({ concurrency: 1 });
    await warm(driver);
    const sab = counters(3);
    const culprit = start(driver, t.lateExit, [60, 7]);
    const running = start(driver, t.countAfter, [sab, 0, 400]);
    const queued = [start(driver, t.count, [sab, 1]), start(driver, t.count, [sab, 2])];
    expect(value(await culprit.result)).toBe('returned');
    const killed = failure(await running.result);
    expect(killed.kind).toBe('crashed');
    expect(killed.message).toMatch(/another task left behind called process\.exit\(7\)/);
    expect((await Promise.all(queued.map((q) => q.result))).map(value)).toEqual([1, 2]);
    await eventually(() => culprit.strays.length > 0, 5_000);
    expect(culprit.strays[0]).toMatchObject({ kind: 'crashed', exitCode: 7 });
    expect(counts(sab)).toEqual([0, 1, 1]);
  });
});

describe('PoolDriver: crash containment', () => {
  it('process.exit inside a pipelined batch fails only its slot; the jobs queued behind it run exactly once', async () => {
    const driver = pool({ concurrency: 1 });
    await warm(driver);
    const sab = counters(60);
    const jobs = Array.from({ length: 60 }, (_, i) =>
      i === 20 ? start(driver, t.exitNow, [3]) : start(driver, t.count, [sab, i]),
    );
    const results = await Promise.all(jobs.map((j) => j.result));
    results.forEach((r, i) => {
      if (i === 20) expect(failure(r)).toMatchObject({ kind: 'crashed', exitCode: 3 });
      else expect(value(r)).toBe(i);
    });
    expect(counts(sab)).toEqual(Array.from({ length: 60 }, (_, i) => (i === 20 ? 0 : 1)));
    expect(value(await start(driver, t.add, [40, 2]).result)).toBe(42);
  });

  it('an out-of-memory worker fails only the task that ran out; its queued siblings run elsewhere', async () => {
    const driver = pool({ concurrency: 1, memoryLimitMb: 48 });
    const hog = start(driver, t.allocateForever, []);
    const after = [start(driver, t.add, [1, 1]), start(driver, t.add, [2, 2])];
    expect(failure(await hog.result).kind).toBe('oom');
    expect((await Promise.all(after.map((a) => a.result))).map(value)).toEqual([2, 4]);
  });
});

describe('PoolDriver: timeouts and aborts', () => {
  it('a timeout counts from the task’s start, also for tasks pipelined behind others', async () => {
    const driver = pool({ concurrency: 1 });
    await warm(driver);
    const jobs = ['a', 'b', 'c'].map((v) => start(driver, t.sleepThen, [300, v], 500));
    expect((await Promise.all(jobs.map((j) => j.result))).map(value)).toEqual(['a', 'b', 'c']);
  });

  it('a timeout stops the work that runs over it; what waited behind it runs, once', async () => {
    const driver = pool({ concurrency: 1 });
    await warm(driver);
    const sab = counters(2);
    const spin = start(driver, t.spinFor, [20_000], 300);
    const behind = [start(driver, t.count, [sab, 0], 300), start(driver, t.count, [sab, 1])];
    const began = performance.now();
    expect(failure(await spin.result).kind).toBe('timeout');
    expect(performance.now() - began).toBeLessThan(10_000);
    expect((await Promise.all(behind.map((b) => b.result))).map(value)).toEqual([0, 1]);
    expect(counts(sab)).toEqual([1, 1]);
  });

  it('abort: a waiting or pipelined job never runs; a running one has its worker stopped', async () => {
    const driver = pool({ concurrency: 1 });
    await warm(driver);
    const sab = counters(4);
    const running = start(driver, t.countAfter, [sab, 0, 300]);
    const pipelined = start(driver, t.count, [sab, 1]);
    const queued = start(driver, t.count, [sab, 2]);
    queued.abort(); // still in the driver's queue
    await new Promise((r) => setImmediate(r)); // the rest went out as a batch, behind the running task
    pipelined.abort(); // already in that worker's pipeline: the worker skips it
    expect(failure(await pipelined.result).kind).toBe('aborted');
    expect(failure(await queued.result).kind).toBe('aborted');
    expect(value(await running.result)).toBe(0);
    const forever = start(driver, t.sleepThen, [60_000, 'never']);
    await new Promise((r) => setTimeout(r, 100));
    forever.abort();
    expect(failure(await forever.result).kind).toBe('aborted');
    expect(value(await start(driver, t.count, [sab, 3]).result)).toBe(3);
    expect(counts(sab)).toEqual([1, 0, 0, 1]);
  });
});

describe('PoolDriver: recycling', () => {
  it('state left in a worker’s globals is seen by the next task on that worker', async () => {
    const driver = pool({ concurrency: 1 });
    const a = value(await start(driver, t.whoAmI, []).result) as { threadId: number; seen: number };
    const b = value(await start(driver, t.whoAmI, []).result) as { threadId: number; seen: number };
    expect(b.threadId).toBe(a.threadId);
    expect(b.seen).toBe(a.seen + 1);
  });

  it('maxTasksPerWorker: 1 gives every task a fresh isolate', async () => {
    const driver = pool({ concurrency: 2, maxTasksPerWorker: 1 });
    const infos: { threadId: number; seen: number }[] = [];
    for (let round = 0; round < 3; round++) {
      const jobs = [start(driver, t.whoAmI, []), start(driver, t.whoAmI, [])];
      for (const r of await Promise.all(jobs.map((j) => j.result)))
        infos.push(value(r) as (typeof infos)[number]);
    }
    expect(infos.map((i) => i.seen)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(new Set(infos.map((i) => i.threadId)).size).toBe(6);
  });

  it('maxTasksPerWorker: 1 still runs as many tasks at once as there are workers, each on its own', async () => {
    const driver = pool({ concurrency: 2, maxTasksPerWorker: 1 });
    // As a caller that used the pool before: the burst lands while successors are (pre-)starting.
    for (const r of await Promise.all(
      [start(driver, t.add, [1, 1]), start(driver, t.add, [2, 2])].map((j) => j.result),
    ))
      value(r);
    const group = new WaitGroup({ driver });
    for (let i = 0; i < 4; i++) group.go(t.span, 400);
    const spans = (await group.wait()).map(value) as { start: number; end: number; threadId: number }[];
    const overlapping = (a: (typeof spans)[number]) =>
      spans.filter((b) => b !== a && b.start < a.end && a.start < b.end).length;
    expect(
      spans.map(overlapping).every((n) => n >= 1),
      'every task ran alongside another one, none waited behind a busy or starting worker',
    ).toBe(true);
    const runningAt = (time: number) => spans.filter((s) => s.start <= time && time < s.end).length;
    expect(Math.max(...spans.map((s) => runningAt(s.start))), 'never more at once than the concurrency').toBe(
      2,
    );
    expect(new Set(spans.map((s) => s.threadId)).size, 'each task had a worker of its own').toBe(4);
  });

  it('maxTasksPerWorker: n — no worker ever runs more than n tasks, however deep the burst', async () => {
    const driver = pool({ concurrency: 2, maxTasksPerWorker: 3 });
    await warm(driver); // "tasks are tiny": the pool pipelines and batches the next burst
    const jobs = Array.from({ length: 60 }, (_, i) =>
      i % 7 === 3 ? start(driver, t.sleepThen, [5, i]) : start(driver, t.whoAmI, []),
    );
    const infos = (await Promise.all(jobs.map((j) => j.result)))
      .map(value)
      .filter((v): v is { threadId: number; seen: number } => typeof v === 'object');
    const perThread = new Map<number, number[]>();
    for (const i of infos) perThread.set(i.threadId, [...(perThread.get(i.threadId) ?? []), i.seen]);
    for (const seen of perThread.values()) {
      expect(seen.length).toBeLessThanOrEqual(3);
      expect(Math.max(...seen)).toBeLessThanOrEqual(3);
    }
    expect(perThread.size).toBeGreaterThanOrEqual(Math.ceil(infos.length / 3));
  });

  it('maxTasksPerWorker: 3 replaces a worker after its third task', async () => {
    const driver = pool({ concurrency: 1, maxTasksPerWorker: 3 });
    const jobs = Array.from({ length: 7 }, () => start(driver, t.whoAmI, []));
    const infos = (await Promise.all(jobs.map((j) => j.result))).map(value) as {
      threadId: number;
      seen: number;
    }[];
    expect(infos.map((i) => i.seen)).toEqual([1, 2, 3, 1, 2, 3, 1]);
    expect(new Set(infos.map((i) => i.threadId)).size).toBe(3);
  });

  it('maxHeapMb replaces a worker whose heap grew past it, after the task', async () => {
    const driver = pool({ concurrency: 1, maxHeapMb: 40 });
    const first = value(await start(driver, t.whoAmI, []).result) as { threadId: number };
    expect(value(await start(driver, t.hog, [64]).result)).toBe(first.threadId);
    const next = value(await start(driver, t.whoAmI, []).result) as { threadId: number; seen: number };
    expect(next.threadId).not.toBe(first.threadId);
    expect(next.seen).toBe(1);
  });

  it('idleTimeout terminates idle workers; the pool starts new ones on demand', async () => {
    const driver = pool({ concurrency: 2, idleTimeout: 100 });
    await Promise.all([
      start(driver, t.sleepThen, [20, 1]).result,
      start(driver, t.sleepThen, [20, 2]).result,
    ]);
    expect(driver.threads).toBe(2);
    expect(await eventually(() => driver.threads === 0, 30_000)).toBe(true);
    expect(value(await start(driver, t.add, [2, 3]).result)).toBe(5);
  });
});

describe('PoolDriver: life cycle', () => {
  it('loads the bootstrap once per worker; a bootstrap that kills its worker fails the waiting slots, without looping', async () => {
    const ok = pool({ concurrency: 1, bootstrap: fixture('boot-global.js') });
    const inline = { kind: 'inline', source: '() => globalThis.__poolBoot' } as const;
    const results = await Promise.all(
      [1, 2, 3].map(
        () =>
          new Promise<Result<unknown>>((settle) =>
            ok.start({ task: inline, args: [] }, { settle, stray() {} }),
          ),
      ),
    );
    expect(results.map(value)).toEqual([1, 1, 1]);
    const broken = pool({ concurrency: 2, bootstrap: fixture('boot-exit.js') });
    const jobs = [start(broken, t.add, [1, 1]), start(broken, t.add, [2, 2]), start(broken, t.add, [3, 3])];
    for (const r of await Promise.all(jobs.map((j) => j.result))) {
      expect(failure(r)).toMatchObject({ kind: 'bootstrap', exitCode: 5 });
    }
    expect(await eventually(() => broken.threads === 0, 5_000)).toBe(true);
  });

  it('close() settles what is left as aborted, leaves no thread behind, and is idempotent', async () => {
    const baseline = countThreads();
    const driver = new PoolDriver({ concurrency: 3 });
    const jobs = Array.from({ length: 5 }, (_, i) => start(driver, t.sleepThen, [10_000, i]));
    await eventually(() => driver.threads === 3, 5_000);
    await Promise.all([driver.close(), driver.close()]);
    for (const r of await Promise.all(jobs.map((j) => j.result))) expect(failure(r).kind).toBe('aborted');
    expect(failure(await start(driver, t.add, [1, 1]).result).kind).toBe('aborted');
    if (baseline !== undefined) {
      expect(await eventually(() => (countThreads() ?? 0) <= baseline, 5_000)).toBe(true);
    }
  });

  it('is what a WaitGroup gets for driver "pool", with recycling options from driverOptions', async () => {
    try {
      const wg = new WaitGroup({ driver: 'pool', concurrency: 1, driverOptions: { maxTasksPerWorker: 1 } });
      wg.go(t.whoAmI);
      wg.go(t.whoAmI);
      const infos = (await wg.wait()).map(value) as { threadId: number; seen: number }[];
      expect(infos.map((i) => i.seen)).toEqual([1, 1]);
      expect(infos[0]!.threadId).not.toBe(infos[1]!.threadId);
      await wg.close();
    } finally {
      await shutdown();
    }
  });
});

describe('PoolDriver: options', () => {
  it('rejects bad options eagerly, naming the option', () => {
    expect(() => new PoolDriver({ concurrency: 0 })).toThrow(/options\.concurrency/);
    expect(() => new PoolDriver({ maxTasksPerWorker: 1.5 })).toThrow(/options\.maxTasksPerWorker/);
    expect(() => new PoolDriver({ maxHeapMb: -1 })).toThrow(/options\.maxHeapMb/);
    expect(() => new PoolDriver({ idleTimeout: Number.NaN })).toThrow(/options\.idleTimeout/);
    expect(() => new PoolDriver({ bootstrap: 'relative/boot.js' })).toThrow(/options\.bootstrap/);
    expect(() => new PoolDriver({ nope: 1 } as never)).toThrow(/unknown pool driver option "nope"/);
    expect(() => createDriver({ concurrency: 2, options: { nope: 1 } })).toThrow(
      /unknown option "nope" for the pool driver/,
    );
  });

  it('takes its recycling options from DriverSettings.options', async () => {
    const driver = createDriver({ concurrency: 1, options: { maxTasksPerWorker: 1 } });
    try {
      const a = value(await start(driver, t.whoAmI, []).result) as { threadId: number };
      const b = value(await start(driver, t.whoAmI, []).result) as { threadId: number };
      expect(a.threadId).not.toBe(b.threadId);
    } finally {
      await driver.close();
    }
  });
});
