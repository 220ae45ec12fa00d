import { describe, expect, it } from 'vitest';
import { createOneTaskWorker, type OneTaskMessage } from '../../src/runtime/one-task-worker.js';
import { createRuntime } from '../../src/runtime/runtime.js';

const inline = (source: string) => ({ kind: 'inline', source }) as const;

/** A one-task worker whose channel and exit are recorded instead of real. */
function worker(beforeTask: 'hold' | 'exit') {
  const posted: OneTaskMessage[] = [];
  const events: string[] = [];
  const w = createOneTaskWorker({
    runtime: createRuntime({ oneTask: true }),
    transport: { post: (m) => posted.push(m) },
    beforeTask,
    exit: () => events.push('exit'),
    afterResult: () => events.push('afterResult'),
  });
  return { w, posted, events };
}

describe('createOneTaskWorker', () => {
  it('announces the start, posts the result, then lets the worker drain', async () => {
    const { w, posted, events } = worker('hold');
    await w.run({ id: 1, task: inline('(a, b) => a + b'), args: [2, 3] });
    expect(posted).toEqual([
      { t: 'start' },
      { t: 'result', result: { ok: true, value: 5, ms: expect.any(Number) } },
    ]);
    expect(events).toEqual(['afterResult']);
    await w.run({ id: 2, task: inline('() => 0'), args: [] }); // a second job is ignored
    expect(posted).toHaveLength(2);
  });

  it('a throw while waiting is held (hold): the task fails with it as a bootstrap failure', async () => {
    const { w, posted, events } = worker('hold');
    w.onUncaught(new Error('timer of the bootstrap'));
    expect(posted).toEqual([]);
    await w.run({ id: 1, task: inline('() => 1'), args: [] }, { announce: false });
    expect(posted).toEqual([
      {
        t: 'result',
        result: {
          ok: false,
          error: expect.objectContaining({
            kind: 'bootstrap',
            cause: expect.objectContaining({ message: 'timer of the bootstrap' }),
          }),
          ms: 0,
        },
      },
    ]);
    expect(events).toEqual(['afterResult']);
  });

  it('a throw while waiting ends the worker (exit) with a fatal bootstrap result', () => {
    const { w, posted, events } = worker('exit');
    w.onUncaught(new Error('early'));
    expect(posted).toEqual([
      {
        t: 'result',
        result: { ok: false, error: expect.objectContaining({ kind: 'bootstrap' }), ms: 0 },
        fatal: true,
      },
    ]);
    expect(events).toEqual(['exit']);
    expect(w.phase.phase).toBe('done');
  });

  it("a throw while running fails the task (fatal) and the task's own result is dropped", async () => {
    const { w, posted, events } = worker('hold');
    let release: () => void = () => {};
    (globalThis as { __oneTaskGate?: Promise<void> }).__oneTaskGate = new Promise<void>((r) => {
      release = r;
    });
    const running = w.run({ id: 1, task: inline('() => globalThis.__oneTaskGate.then(() => 1)'), args: [] });
    await expect.poll(() => w.phase.phase).toBe('running');
    w.onUncaught(new RangeError('from a timer'));
    release();
    await running;
    expect(posted).toEqual([
      { t: 'start' },
      {
        t: 'result',
        result: {
          ok: false,
          error: expect.objectContaining({ kind: 'threw', name: 'RangeError' }),
          ms: expect.any(Number),
        },
        fatal: true,
      },
    ]);
    expect(events).toEqual(['exit']);
  });

  it('a throw after the result is a stray, and ends the worker', async () => {
    const { w, posted, events } = worker('hold');
    await w.run({ id: 1, task: inline('() => 1'), args: [] });
    w.onUncaught(new Error('left behind'));
    expect(posted.at(-1)).toEqual({
      t: 'stray',
      failure: expect.objectContaining({ kind: 'threw', message: 'left behind' }),
    });
    expect(events).toEqual(['afterResult', 'exit']);
  });

  it('a result the channel refuses is posted as the one "unserializable" failure', async () => {
    const posted: OneTaskMessage[] = [];
    const w = createOneTaskWorker({
      runtime: createRuntime({ oneTask: true }),
      transport: {
        post(m) {
          if (m.t === 'result' && m.result.ok) throw new Error('could not be cloned');
          posted.push(m);
        },
      },
      beforeTask: 'hold',
      exit: () => {},
    });
    await w.run({ id: 1, task: inline('() => 1'), args: [] }, { announce: false });
    expect(posted).toEqual([
      {
        t: 'result',
        result: {
          ok: false,
          error: expect.objectContaining({
            kind: 'unserializable',
            message: "the task's result cannot be sent back: could not be cloned",
          }),
          ms: expect.any(Number),
        },
      },
    ]);
  });

  it('warm() loads the runtime (its modules take the synchronous path) and posts nothing', async () => {
    const { w, posted, events } = worker('hold');
    const runtime = createRuntime({ oneTask: true });
    const tasks = new URL('../fixtures/load-count.mjs', import.meta.url).href;
    const idle = createOneTaskWorker({
      runtime,
      transport: { post: (m) => posted.push(m) },
      beforeTask: 'hold',
      exit: () => {},
    });
    await idle.warm([tasks]);
    await w.warm([]);
    expect(posted).toEqual([]);
    expect(events).toEqual([]);
    expect(idle.phase.phase).toBe('waiting');
    expect(runtime.runNow({ kind: 'module', module: tasks, name: 'loads' }, [])).not.toBeInstanceOf(Promise);
  });
});

describe('createOneTaskWorker keep-alive', () => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

  it('holds the event loop open while its task runs (a never-settling task is still running), not after', async () => {
    const { w } = worker('hold');
    let release: (() => void) | undefined;
    (globalThis as { __isolaneRelease?: unknown }).__isolaneRelease = (fn: () => void) => {
      release = fn;
    };
    const before = timers();
    const running = w.run(
      { id: 1, task: inline('() => new Promise((ok) => globalThis.__isolaneRelease(ok))'), args: [] },
      { announce: false },
    );
    await new Promise<void>((r) => setImmediate(r));
    expect(release).toBeTypeOf('function');
    expect(timers()).toBe(before + 1);
    release?.();
    await running;
    expect(timers()).toBe(before);
    delete (globalThis as { __isolaneRelease?: unknown }).__isolaneRelease;
  });
});
