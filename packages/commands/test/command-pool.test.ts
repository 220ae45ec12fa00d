// The pool's contract: one result per key in add() order, concurrency, completion-order iteration,
// streamed lines, failures as data (exit codes, signals, missing commands), stop/signal/abort.
import { describe, expect, it } from 'vitest';
import { CommandPool, type LineEvent } from '../src/index.js';
import { useMarkerCleanup } from './helpers/marker-cleanup.js';
import {
  failureOf,
  fixture,
  node,
  processesWith,
  successOf,
  uniqueMarker,
  until,
} from './helpers/processes.js';

const marked = useMarkerCleanup();

describe('CommandPool', () => {
  it('runs every command and returns results keyed in add() order, never throwing for failures', async () => {
    const pool = new CommandPool({ concurrency: 2, timeout: 30_000 });
    pool.add('zeta', node, [fixture('print.js'), '2']);
    pool.add('alpha', node, [fixture('print.js'), '1', '1', '3']);
    pool.add('missing', 'isolane-no-such-command-xyz');
    const results = await pool.wait();
    expect(Object.keys(results)).toEqual(['zeta', 'alpha', 'missing']);
    expect(successOf(results.zeta)).toMatchObject({ exitCode: 0, stdout: 'out 1\nout 2', stderr: '' });
    expect(failureOf(results.alpha)).toMatchObject({
      kind: 'crashed',
      name: 'ExitCodeError',
      exitCode: 3,
      stdout: 'out 1',
      stderr: 'err 1',
    });
    expect(failureOf(results.alpha).message).toContain('exited with code 3');
    expect(failureOf(results.missing)).toMatchObject({ kind: 'crashed', name: 'SpawnError', code: 'ENOENT' });
    expect(results.zeta?.ms).toBeGreaterThan(0);
    // Plain data: a round trip through JSON changes nothing.
    expect(JSON.parse(JSON.stringify(results))).toEqual(results);
  }, 60_000);

  it('a command killed by a signal fails as crashed with the signal', async () => {
    const pool = new CommandPool();
    pool.add('self', node, [fixture('self-kill.js'), 'SIGUSR2']);
    const { self } = await pool.wait();
    expect(failureOf(self)).toMatchObject({ kind: 'crashed', name: 'SignalError', signal: 'SIGUSR2' });
    expect(failureOf(self).stdout).toBe('bye');
  }, 60_000);

  it('never runs more than `concurrency` commands at once', async () => {
    const pool = new CommandPool({ concurrency: 2 });
    for (let i = 0; i < 5; i++) pool.add(`t${i}`, node, [fixture('tick.js'), '3', '40']);
    let peak = 0;
    pool.start(() => {
      peak = Math.max(peak, pool.running().length);
    });
    const results = await pool.wait();
    expect(Object.values(results).every((r) => r.ok)).toBe(true);
    expect(peak).toBe(2);
  }, 60_000);

  it('waits for start() before running, then streams every line by key and stream', async () => {
    const pool = new CommandPool({ concurrency: 4 });
    pool.add('a', node, [fixture('print.js'), '3', '2']);
    pool.add('b', node, [fixture('print.js'), '2']);
    expect(pool.running()).toEqual([]);
    const events: LineEvent[] = [];
    pool.start((event) => {
      events.push(event);
    });
    await pool.wait();
    const of = (key: string, stream: string) =>
      events.filter((e) => e.key === key && e.stream === stream).map((e) => e.line);
    expect(of('a', 'stdout')).toEqual(['out 1', 'out 2', 'out 3']);
    expect(of('a', 'stderr')).toEqual(['err 1', 'err 2']);
    expect(of('b', 'stdout')).toEqual(['out 1', 'out 2']);
  }, 60_000);

  it('decodes UTF-8 across chunks, strips CR, and delivers a last line without newline', async () => {
    const pool = new CommandPool();
    pool.add('u', node, [fixture('unicode.js')]);
    const lines: string[] = [];
    pool.start(({ line }) => {
      lines.push(line);
    });
    const { u } = await pool.wait();
    expect(lines).toEqual(['héllo wörld €', 'no newline at the end']);
    expect(successOf(u).stdout).toBe('héllo wörld €\r\nno newline at the end');
  }, 60_000);

  it('yields { key, result } in completion order with for await', async () => {
    const pool = new CommandPool({ concurrency: 3 });
    pool.add('slow', node, [fixture('tick.js'), '1', '1500']);
    pool.add('fast', node, [fixture('print.js'), '1']);
    const order: string[] = [];
    for await (const { key, result } of pool) {
      expect(result.ok).toBe(true);
      order.push(key);
    }
    expect(order).toEqual(['fast', 'slow']);
  }, 60_000);

  it('a line handler that returns a promise pauses that command (back-pressure), nothing is lost', async () => {
    const pool = new CommandPool({ idleTimeout: 2_000 });
    pool.add('big', node, [fixture('big.js'), '4'], { maxBuffer: 1024 });
    let lines = 0;
    let slowDown = 0;
    pool.start(async () => {
      lines++;
      // Every 256th line waits a little: the child must wait too, and the idle timer must not fire.
      if (lines % 256 === 0 && slowDown++ < 30) await new Promise((r) => setTimeout(r, 100));
    });
    const { big } = await pool.wait();
    expect(successOf(big).stdoutBytes).toBe(4 * 1024 * 1024);
    expect(lines).toBe(4096);
  }, 60_000);

  it('the idle timer does not run while the line handler is busy', async () => {
    const pool = new CommandPool({ idleTimeout: 400, killGraceMs: 1_000 });
    pool.add('p', node, [fixture('print.js'), '3']);
    const lines: string[] = [];
    pool.start(async ({ line }) => {
      lines.push(line);
      // Three times the idle limit on the first line: the command is waiting for us, not idle.
      if (line === 'out 1') await new Promise((r) => setTimeout(r, 1_200));
    });
    const { p } = await pool.wait();
    expect(successOf(p).stdout).toBe('out 1\nout 2\nout 3');
    expect(lines).toEqual(['out 1', 'out 2', 'out 3']);
  }, 60_000);

  it('a line handler that throws fails its own command as threw; other commands are unaffected', async () => {
    const pool = new CommandPool();
    pool.add('bad', node, [fixture('print.js'), '3']);
    pool.add('good', node, [fixture('print.js'), '3']);
    pool.start(({ key, line }) => {
      if (key === 'bad' && line === 'out 2') throw new RangeError('handler bug');
    });
    const { bad, good } = await pool.wait();
    expect(failureOf(bad)).toMatchObject({ kind: 'threw', name: 'RangeError', message: 'handler bug' });
    expect(failureOf(bad).stdout).toBe('out 1\nout 2\nout 3');
    expect(successOf(good).exitCode).toBe(0);
  }, 60_000);

  it('signal() reaches every running command; running() lists them', async () => {
    const pool = new CommandPool();
    pool.add('a', node, [fixture('sleep.js')]);
    pool.add('b', node, [fixture('sleep.js')]);
    let started = 0;
    pool.start(({ line }) => {
      if (line === 'started') started++;
    });
    expect(await until(() => started === 2, 30_000)).toBe(true);
    expect(pool.running().sort()).toEqual(['a', 'b']);
    expect(pool.signal('SIGINT').sort()).toEqual(['a', 'b']);
    const { a, b } = await pool.wait();
    expect(failureOf(a)).toMatchObject({ kind: 'crashed', signal: 'SIGINT' });
    expect(failureOf(b)).toMatchObject({ kind: 'crashed', signal: 'SIGINT' });
    expect(pool.running()).toEqual([]);
    expect(() => pool.signal('SIGNOPE' as NodeJS.Signals)).toThrow(/signal must be a signal name/);
  }, 60_000);

  it('stop(): queued commands never start, running ones are killed (SIGKILL after the grace)', async () => {
    const marker = marked();
    const pool = new CommandPool({ concurrency: 2, killGraceMs: 300 });
    pool.add('stubborn', node, [fixture('ignore-term.js'), marker]);
    pool.add('sleeper', node, [fixture('sleep.js'), '1000000', marker]);
    pool.add('queued', node, [fixture('print.js')]);
    let ready = 0;
    pool.start(({ line }) => {
      if (line === 'ready' || line === 'started') ready++;
    });
    expect(await until(() => ready === 2, 30_000)).toBe(true);
    await pool.stop();
    const results = await pool.wait();
    expect(failureOf(results.stubborn)).toMatchObject({ kind: 'aborted', signal: 'SIGKILL' });
    expect(failureOf(results.sleeper)).toMatchObject({ kind: 'aborted', signal: 'SIGTERM' });
    expect(failureOf(results.queued)).toMatchObject({ kind: 'aborted', stdout: '' });
    expect(failureOf(results.queued).message).toContain('before it started');
    expect(await until(() => processesWith(marker).length === 0, 10_000)).toBe(true);
    pool.add('late', node, [fixture('print.js')]);
    expect(failureOf((await pool.wait()).late).kind).toBe('aborted');
  }, 60_000);

  it("the pool's AbortSignal aborts running and queued commands; a command's own signal only that one", async () => {
    const controller = new AbortController();
    const own = new AbortController();
    const pool = new CommandPool({ concurrency: 2, signal: controller.signal, killGraceMs: 1_000 });
    pool.add('running', node, [fixture('sleep.js')]);
    pool.add('mine', node, [fixture('sleep.js')], { signal: own.signal });
    pool.add('next', node, [fixture('sleep.js')]);
    pool.add('queued', node, [fixture('print.js')]);
    let started = 0;
    pool.start(({ line }) => {
      if (line === 'started') started++;
    });
    expect(await until(() => started === 2, 30_000)).toBe(true);
    own.abort(new Error('only this one'));
    const first = await pool[Symbol.asyncIterator]().next();
    expect(first.value).toMatchObject({ key: 'mine', result: { ok: false, error: { kind: 'aborted' } } });
    // Its slot went to the next command in line.
    expect(await until(() => started === 3, 30_000)).toBe(true);
    expect(pool.running()).toEqual(['running', 'next']);
    controller.abort('shutting down');
    const results = await pool.wait();
    expect(failureOf(results.mine).message).toContain('only this one');
    for (const key of ['running', 'next'] as const) {
      expect(failureOf(results[key])).toMatchObject({ kind: 'aborted' });
      expect(failureOf(results[key]).message).toContain('shutting down');
    }
    expect(failureOf(results.queued).message).toContain('before it started');
  }, 60_000);

  it('an already aborted signal: the command never starts', async () => {
    const marker = uniqueMarker();
    const pool = new CommandPool({ signal: AbortSignal.abort('no') });
    pool.add('x', node, [fixture('sleep.js'), '1000000', marker]);
    const { x } = await pool.wait();
    expect(failureOf(x)).toMatchObject({ kind: 'aborted', stdout: '' });
    expect(processesWith(marker)).toEqual([]);
  }, 60_000);

  it('await using stops what is still running', async () => {
    const marker = marked();
    {
      await using pool = new CommandPool({ killGraceMs: 1_000 });
      pool.add('s', node, [fixture('sleep.js'), '1000000', marker]);
      pool.start();
      expect(await until(() => processesWith(marker).length === 1, 30_000)).toBe(true);
    }
    expect(await until(() => processesWith(marker).length === 0, 10_000)).toBe(true);
  }, 60_000);

  it('rejects a duplicate key and a second line handler', () => {
    const pool = new CommandPool();
    pool.add('a', node, ['-v']);
    expect(() => pool.add('a', node, ['-v'])).toThrow(/key 'a' is already in the pool/);
    pool.start(() => {});
    expect(() => pool.start(() => {})).toThrow(/already started/);
    return pool.wait();
  }, 60_000);
});
