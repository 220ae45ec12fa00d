// The fork driver end to end: every way a child can fail, siblings, queueing, stdio, lingering, close.
import { makeFailure, WaitGroup } from '@isolane/core';
import { childPids, isAlive } from '@isolane/core/testing';
import { ForkDriver } from '@isolane/fork';
import { afterEach, describe, expect, it } from 'vitest';
import { delay, failureOf, fixture, startTask, until, valueIn } from './helpers.js';

const drivers: ForkDriver[] = [];
function driver(options: ConstructorParameters<typeof ForkDriver>[0] = {}): ForkDriver {
  const d = new ForkDriver({ concurrency: 4, ...options });
  drivers.push(d);
  return d;
}

afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
  expect(
    await until(() => childPids().length === 0, 10_000),
    `children left: ${childPids().join(', ')}`,
  ).toBe(true);
});

describe('ForkDriver failures', () => {
  it('fails each crashing task with its own kind while siblings succeed', async () => {
    const d = driver({ concurrency: 8, memoryLimitMb: 64, stdio: 'ignore' });
    const sibling = startTask(d, 'basic.js', 'sleep', [300, 'sibling']);
    const threw = startTask(d, 'failing.js', 'throws', ['bad range']);
    const rejected = startTask(d, 'failing.js', 'rejects', ['bad type']);
    const exited = startTask(d, 'failing.js', 'exitWith', [3]);
    const killed = startTask(d, 'failing.js', 'killSelf', ['SIGKILL']);
    const unhandled = startTask(d, 'failing.js', 'unhandledRejection');
    const timer = startTask(d, 'failing.js', 'timerThrows');
    const oom = startTask(d, 'heavy.js', 'hogMemory');

    expect(await valueIn(sibling)).toBe('sibling');
    expect(await failureOf(threw)).toMatchObject({ kind: 'threw', name: 'RangeError', message: 'bad range' });
    expect(await failureOf(rejected)).toMatchObject({
      kind: 'threw',
      name: 'TypeError',
      message: 'bad type',
    });
    expect(await failureOf(exited)).toMatchObject({ kind: 'crashed', exitCode: 3 });
    const k = await failureOf(killed);
    expect(k).toMatchObject({ kind: 'crashed', signal: 'SIGKILL' });
    expect(k.exitCode).toBeUndefined();
    const u = await failureOf(unhandled);
    expect(u).toMatchObject({ kind: 'threw', name: 'SyntaxError', message: 'nobody handles me' });
    expect(u.stack).toContain('failing.js');
    expect(await failureOf(timer)).toMatchObject({
      kind: 'threw',
      name: 'EvalError',
      message: 'thrown from a timer',
    });
    const o = await failureOf(oom);
    expect(o.kind).toBe('oom');
    expect(o.message).toMatch(/^the task ran out of memory \(memoryLimitMb: 64\); its child process /);
    for (const outcome of [sibling, threw, rejected, exited, killed, unhandled, timer, oom]) {
      expect(outcome.strays).toEqual([]);
    }
  });

  it('keeps serving new tasks after every kind of crash', async () => {
    const d = driver({ concurrency: 1, memoryLimitMb: 64, stdio: 'ignore' });
    const crashes: [string, string, unknown[]][] = [
      ['failing.js', 'exitWith', [0]],
      ['failing.js', 'killSelf', ['SIGKILL']],
      ['failing.js', 'killSelf', ['SIGSEGV']],
      ['heavy.js', 'hogMemory', []],
      ['failing.js', 'unhandledRejection', []],
    ];
    for (const [file, name, args] of crashes) {
      const f = await failureOf(startTask(d, file, name, args));
      expect(['crashed', 'oom', 'threw']).toContain(f.kind);
      expect(await valueIn(startTask(d, 'basic.js', 'add', [40, 2]))).toBe(42);
    }
  });

  it('reports a value the channel cannot carry as unserializable', async () => {
    const d = driver();
    expect((await failureOf(startTask(d, 'failing.js', 'unserializable'))).kind).toBe('unserializable');
  });

  it('fails a job whose arguments a child cannot be sent as unserializable, fresh or prespawned child', async () => {
    // Only a caller of driver.start() can get here (WaitGroup snapshots arguments first); start() must not throw.
    for (const prespawn of [0, 1]) {
      const d = driver({ prespawn });
      const f = await failureOf(startTask(d, 'basic.js', 'add', [() => 1, 2]));
      expect(f).toMatchObject({ kind: 'unserializable', name: 'DataCloneError' });
      expect(f.message).toMatch(/^the task's arguments cannot be sent to a child process: /);
      expect(await valueIn(startTask(d, 'basic.js', 'add', [1, 2]))).toBe(3);
    }
  });

  it('fails a task whose bootstrap throws, or kills its process, with kind bootstrap', async () => {
    const throwing = driver({ bootstrap: new URL(fixture('bootstrap-throws.js')) });
    const t = await failureOf(startTask(throwing, 'basic.js', 'add', [1, 2]));
    expect(t).toMatchObject({ kind: 'bootstrap' });
    expect(t.message).toMatch(/bootstrap exploded/);
    const exiting = driver({ bootstrap: fixture('bootstrap-exits.js') });
    const e = await failureOf(startTask(exiting, 'basic.js', 'add', [1, 2]));
    expect(e).toMatchObject({ kind: 'bootstrap', exitCode: 7 });
  });

  it('loads the bootstrap before the task, in a fresh process per task', async () => {
    const d = driver({ bootstrap: fixture('bootstrap.js') });
    expect(await valueIn(startTask(d, 'basic.js', 'bootstrapped'))).toBe('yes');
    const pids = await Promise.all([1, 2, 3].map(() => valueIn(startTask(d, 'basic.js', 'pid'))));
    expect(new Set(pids).size).toBe(3);
    expect(pids).not.toContain(process.pid);
  });
});

describe('ForkDriver timeouts and aborts', () => {
  it('stops a synchronous infinite loop at its timeout, counted from the task start', async () => {
    const d = driver();
    const started = performance.now();
    const f = await failureOf(startTask(d, 'heavy.js', 'spin', [], { timeout: 300 }));
    expect(f).toMatchObject({ kind: 'timeout', name: 'TimeoutError' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
    expect(await valueIn(startTask(d, 'basic.js', 'sleep', [200, 'in time'], { timeout: 5_000 }))).toBe(
      'in time',
    );
  });

  it('escalates to SIGKILL after killGraceMs when the task ignores SIGTERM', async () => {
    const d = driver({ killGraceMs: 300 });
    const f = await failureOf(startTask(d, 'heavy.js', 'ignoreSigterm', [], { timeout: 300 }));
    expect(f.kind).toBe('timeout');
    expect(await until(() => childPids().length === 0, 30_000)).toBe(true);
  });

  it('aborts a running task (killing its child) and a queued one', async () => {
    const d = driver({ concurrency: 1 });
    const running = startTask(d, 'basic.js', 'sleep', [30_000, 'never']);
    const queued = startTask(d, 'basic.js', 'add', [1, 1]);
    expect(await until(() => childPids().length === 1, 30_000)).toBe(true);
    const pid = childPids()[0]!;
    const failure = makeFailure('aborted', 'stop it');
    queued.abort(failure);
    running.abort(failure);
    expect(await failureOf(running)).toEqual(failure);
    expect(await failureOf(queued)).toEqual(failure);
    expect(await until(() => !isAlive(pid), 30_000)).toBe(true);
    expect(await valueIn(startTask(d, 'basic.js', 'add', [2, 2]))).toBe(4);
  });

  it('queues beyond concurrency and runs the queue as places free up', async () => {
    const d = driver({ concurrency: 2 });
    const outcomes = [1, 2, 3, 4, 5].map((i) => startTask(d, 'basic.js', 'sleep', [150, i]));
    await delay(100);
    expect(childPids().length).toBeLessThanOrEqual(2);
    expect(await Promise.all(outcomes.map(valueIn))).toEqual([1, 2, 3, 4, 5]);
  });

  it('settles running and queued jobs as aborted on close() and leaves no child', async () => {
    const d = driver({ concurrency: 1, prespawn: 2 });
    const running = startTask(d, 'basic.js', 'sleep', [30_000, 'never']);
    const queued = startTask(d, 'basic.js', 'add', [1, 1]);
    expect(await until(() => childPids().length >= 2, 30_000)).toBe(true);
    await d.close();
    expect((await failureOf(running)).kind).toBe('aborted');
    expect((await failureOf(queued)).kind).toBe('aborted');
    expect(childPids()).toEqual([]);
    expect((await failureOf(startTask(d, 'basic.js', 'add', [1, 1]))).kind).toBe('aborted');
  });
});

describe('ForkDriver output and data', () => {
  it('keeps stdout/stderr (even text shaped like a result) away from the results', async () => {
    const d = driver({ stdio: 'ignore' });
    const values = await Promise.all([1, 2, 3].map((i) => valueIn(startTask(d, 'noisy.js', 'noisy', [i]))));
    expect(values).toEqual([1, 2, 3]);
  });

  it('captures output per job with stdio capture', async () => {
    const chunks: { stream: string; text: string; jobId: number | undefined }[] = [];
    const d = driver({ onOutput: ({ stream, text, jobId }) => chunks.push({ stream, text, jobId }) });
    expect(d.options.stdio).toBe('capture');
    const a = startTask(d, 'noisy.js', 'noisy', ['a']);
    const b = startTask(d, 'noisy.js', 'noisy', ['b']);
    expect(await valueIn(a)).toBe('a');
    expect(await valueIn(b)).toBe('b');
    await until(() => chunks.filter((c) => c.stream === 'stderr').length >= 2);
    for (const id of [a.id, b.id]) {
      const mine = chunks.filter((c) => c.jobId === id);
      const out = mine
        .filter((c) => c.stream === 'stdout')
        .map((c) => c.text)
        .join('');
      const err = mine
        .filter((c) => c.stream === 'stderr')
        .map((c) => c.text)
        .join('');
      expect(out).toContain('stdout says hello');
      expect(out).toContain('"forged"');
      expect(err).toContain('stderr says hello');
    }
  });

  it('round-trips 16 MiB arguments and results intact', async () => {
    const d = driver();
    const size = 16 * 1024 * 1024;
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i += 4096) bytes[i] = (i / 4096) % 256;
    let expected = 0;
    for (let i = 0; i < size; i += 4096) expected = (expected + (bytes[i] ?? 0)) % 1_000_000_007;
    expect(await valueIn(startTask(d, 'data.js', 'checksum', [bytes]))).toEqual({
      length: size,
      sum: expected,
    });
    const back = (await valueIn(startTask(d, 'data.js', 'makeBytes', [size]))) as Uint8Array;
    expect(back).toBeInstanceOf(Uint8Array);
    expect(back.length).toBe(size);
    expect(back[size - 1]).toBe((size - 1) % 251);
    expect(back[12345]).toBe(12345 % 251);
  });
});

describe('ForkDriver lingering children', () => {
  it('reports an error thrown after the result as a stray of that job only', async () => {
    const d = driver({ concurrency: 1 });
    const late = startTask(d, 'late.js', 'returnsThenThrows', [100]);
    const next = startTask(d, 'basic.js', 'sleep', [400, 'innocent']);
    expect(await valueIn(late)).toBe('returned');
    expect(await valueIn(next)).toBe('innocent');
    expect(await until(() => late.strays.length === 1)).toBe(true);
    expect(late.strays[0]).toMatchObject({ kind: 'threw', message: 'late failure' });
    expect(next.strays).toEqual([]);
  });

  it('reports a leftover that kills the process after the result as a crashed stray', async () => {
    const d = driver();
    const late = startTask(d, 'late.js', 'returnsThenExits', [50, 4]);
    expect(await valueIn(late)).toBe('returned');
    expect(await until(() => late.strays.length === 1)).toBe(true);
    expect(late.strays[0]).toMatchObject({ kind: 'crashed', exitCode: 4 });
  });

  it('kills a child whose leftovers outlive lingerMs, without blaming anyone', async () => {
    // 1 s of linger: long enough that the child is surely still there when the result is read, even on a
    // busy machine; the kill after it is waited for, bounded.
    const d = driver({ lingerMs: 1_000 });
    const o = startTask(d, 'late.js', 'returnsAndKeepsRunning');
    const pid = (await valueIn(o)) as number;
    expect(isAlive(pid)).toBe(true);
    expect(await until(() => !isAlive(pid), 30_000)).toBe(true);
    expect(o.strays).toEqual([]);
  });

  it('does not count lingering children against concurrency', async () => {
    // Counted against concurrency, the next task would wait out the 20 s linger; a fresh child starts in
    // well under 10 s even on a busy machine.
    const d = driver({ concurrency: 1, lingerMs: 20_000 });
    await valueIn(startTask(d, 'late.js', 'returnsAndKeepsRunning'));
    const started = performance.now();
    expect(await valueIn(startTask(d, 'basic.js', 'add', [1, 2]))).toBe(3);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe('ForkDriver prespawn', () => {
  it('keeps n children ready, runs each task in a fresh one, and replaces it', async () => {
    const d = driver({ prespawn: 2, bootstrap: fixture('bootstrap.js') });
    expect(await until(() => childPids().length === 2)).toBe(true);
    const ready = childPids();
    const pid = (await valueIn(startTask(d, 'basic.js', 'pid'))) as number;
    expect(ready).toContain(pid);
    expect(await valueIn(startTask(d, 'basic.js', 'bootstrapped'))).toBe('yes');
    const second = (await valueIn(startTask(d, 'basic.js', 'pid'))) as number;
    expect(second).not.toBe(pid);
    expect(await until(() => d.childCount === 2 && !isAlive(pid))).toBe(true);
  });

  it('does not respawn forever when the bootstrap kills every child', async () => {
    const d = driver({ prespawn: 2, bootstrap: fixture('bootstrap-exits.js') });
    // Both prespawned children die in their bootstrap; the driver must not start new ones.
    expect(await until(() => d.childCount === 0, 30_000)).toBe(true);
    // A respawning driver would start a child again shortly: none may appear (only a bug can fail this).
    await delay(500);
    expect(d.childCount).toBe(0);
    expect((await failureOf(startTask(d, 'basic.js', 'add', [1, 2]))).kind).toBe('bootstrap');
  });

  it('serves tasks through a WaitGroup (createDriver options path)', async () => {
    const { createDriver } = await import('@isolane/fork');
    const d = createDriver({ concurrency: 2, options: { prespawn: 1, lingerMs: 100 } });
    drivers.push(d);
    const { add } = (await import(fixture('basic.js'))) as { add: (a: number, b: number) => number };
    await using wg = new WaitGroup({ driver: d });
    wg.go(add, 1, 2);
    wg.go((a: number) => a * 2, 21);
    const results = await wg.wait();
    expect(results.map((r) => (r.ok ? r.value : r.error))).toEqual([3, 42]);
  });
});
