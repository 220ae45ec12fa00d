import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Job, JobSink } from '../../src/driver.js';
import { closedFailure } from '../../src/driver-kit/failures.js';
import {
  type PerTaskRunner,
  PerTaskScheduler,
  type PerTaskSchedulerOptions,
} from '../../src/driver-kit/per-task-scheduler.js';
import type { SubmittedJob } from '../../src/driver-kit/submitted-job.js';
import { makeFailure, type TaskFailure } from '../../src/failure.js';
import type { Result } from '../../src/result.js';

/** A runner that does nothing by itself: the test finishes its job or makes it exit. */
class FakeRunner implements PerTaskRunner {
  readonly exited: Promise<void>;
  submitted: SubmittedJob | undefined;
  aborted: TaskFailure | undefined;
  stopped: TaskFailure | undefined;
  gone = false;
  refuse = false;
  #exit!: () => void;

  constructor(
    readonly scheduler: () => PerTaskScheduler<FakeRunner>,
    submitted: SubmittedJob | undefined,
    readonly warm: readonly string[] | undefined,
  ) {
    this.exited = new Promise((resolve) => {
      this.#exit = resolve;
    });
    this.submitted = submitted;
  }

  run(submitted: SubmittedJob): void {
    if (this.refuse) throw new Error('cannot post');
    this.submitted = submitted;
  }

  abort(failure: TaskFailure): void {
    this.aborted = failure;
    this.submitted?.sink.settle({ ok: false, error: failure, ms: 0 });
  }

  /** The job succeeds: its place frees up. */
  finish(value: unknown): void {
    this.submitted?.sink.settle({ ok: true, value, ms: 1 });
    this.scheduler().release();
  }

  /** The runner is gone. */
  exit(): void {
    this.gone = true;
    this.#exit();
    this.scheduler().forget(this);
  }
}

interface Harness {
  readonly scheduler: PerTaskScheduler<FakeRunner>;
  /** Every runner spawned, in order. */
  readonly runners: FakeRunner[];
  /** Makes the next `spawn` calls throw. */
  failSpawns(on: boolean): void;
}

function harness(options: Partial<PerTaskSchedulerOptions<FakeRunner>> = {}): Harness {
  const runners: FakeRunner[] = [];
  let failing = false;
  const scheduler: PerTaskScheduler<FakeRunner> = new PerTaskScheduler<FakeRunner>({
    driver: 'fake',
    concurrency: 2,
    prespawn: 0,
    warmModules: 4,
    spawn: (submitted, warm) => {
      if (failing) throw new Error('spawn EAGAIN');
      const runner = new FakeRunner(() => scheduler, submitted, warm);
      runners.push(runner);
      return runner;
    },
    spawnFailure: (err) => makeFailure('crashed', `could not start: ${(err as Error).message}`),
    ...options,
  });
  return {
    scheduler,
    runners,
    failSpawns: (on) => {
      failing = on;
    },
  };
}

/** A sink that records what it receives. */
function recorder(): JobSink & { results: Result<unknown>[] } {
  const results: Result<unknown>[] = [];
  return { results, settle: (r) => results.push(r), stray: () => {} };
}

const fnJob = (): Job => ({ task: { kind: 'inline', source: '() => 1' }, args: [] });
const moduleJob = (module: string): Job => ({ task: { kind: 'module', module, name: 'default' }, args: [] });

/** One turn of the event loop (setImmediate callbacks run in order). */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe('PerTaskScheduler: concurrency', () => {
  it('runs up to `concurrency` jobs and starts waiting ones in order as places free up', () => {
    const { scheduler, runners } = harness({ concurrency: 2 });
    const sinks = [recorder(), recorder(), recorder(), recorder()];
    const handles = sinks.map((sink) => scheduler.start(fnJob(), sink));
    expect(handles.map((h) => h.id)).toEqual([1, 2, 3, 4]);
    expect(runners.map((r) => r.submitted?.id)).toEqual([1, 2]);

    runners[1]?.finish('b');
    expect(sinks[1]?.results).toEqual([{ ok: true, value: 'b', ms: 1 }]);
    expect(runners.map((r) => r.submitted?.id)).toEqual([1, 2, 3]);
    runners[0]?.finish('a');
    expect(runners.map((r) => r.submitted?.id)).toEqual([1, 2, 3, 4]);
    expect(scheduler.runnerCount).toBe(4);
  });
});

describe('PerTaskScheduler: abort', () => {
  it('settles a waiting job with the failure at once and never runs it', () => {
    const { scheduler, runners } = harness({ concurrency: 1 });
    scheduler.start(fnJob(), recorder());
    const sink = recorder();
    const handle = scheduler.start(fnJob(), sink);
    const failure = makeFailure('aborted', 'not needed');
    handle.abort(failure);
    expect(sink.results).toEqual([{ ok: false, error: failure, ms: 0 }]);
    handle.abort(failure); // a second abort finds nothing to remove
    expect(sink.results).toHaveLength(1);

    runners[0]?.finish(1);
    expect(runners).toHaveLength(1);
  });

  it('hands a running job’s abort to its runner', () => {
    const { scheduler, runners } = harness();
    const sink = recorder();
    const handle = scheduler.start(fnJob(), sink);
    const failure = makeFailure('aborted', 'stop');
    handle.abort(failure);
    expect(runners[0]?.aborted).toBe(failure);
    expect(sink.results).toEqual([{ ok: false, error: failure, ms: 0 }]);
  });
});

describe('PerTaskScheduler: close', () => {
  it('fails waiting jobs as closed, stops every runner and resolves only once all are gone', async () => {
    const { scheduler, runners } = harness({ concurrency: 1, prespawn: 1 });
    const running = recorder();
    const waiting = recorder();
    scheduler.start(fnJob(), running);
    scheduler.start(fnJob(), waiting);
    await nextTurn();
    expect(runners).toHaveLength(2); // the prespawned one, now running, and its replacement

    let closed = false;
    const closing = scheduler.close().then(() => {
      closed = true;
    });
    expect(scheduler.close()).toBe(scheduler.close());
    const failure = closedFailure('fake');
    expect(waiting.results).toEqual([{ ok: false, error: failure, ms: 0 }]);
    expect(running.results).toEqual([{ ok: false, error: failure, ms: 0 }]);
    expect(runners.map((r) => r.aborted?.message)).toEqual([failure.message, failure.message]);

    runners[0]?.exit();
    await nextTurn();
    expect(closed).toBe(false);
    runners[1]?.exit();
    await closing;
    expect(closed).toBe(true);
    expect(scheduler.runnerCount).toBe(0);
  });

  it('settles a job started after close as closed, and stops runners with `stop` when given', async () => {
    const stop = vi.fn((runner: FakeRunner, failure: TaskFailure) => {
      runner.stopped = failure;
      runner.exit();
    });
    const { scheduler, runners } = harness({ stop });
    scheduler.start(fnJob(), recorder());
    await scheduler.close();
    expect(stop).toHaveBeenCalledTimes(1);
    expect(runners[0]?.stopped).toEqual(closedFailure('fake'));
    expect(runners[0]?.aborted).toBeUndefined();

    const late = recorder();
    scheduler.start(fnJob(), late);
    expect(late.results).toEqual([{ ok: false, error: closedFailure('fake'), ms: 0 }]);
    expect(runners).toHaveLength(1);
  });

  it('routes the outcomes it decides itself through `settle` when given', async () => {
    const settled: [number, Result<unknown>][] = [];
    const { scheduler } = harness({
      concurrency: 1,
      settle: (submitted, result) => settled.push([submitted.id, result]),
    });
    scheduler.start(fnJob(), recorder());
    const waiting = recorder();
    scheduler.start(fnJob(), waiting);
    const closing = scheduler.close();
    expect(waiting.results).toEqual([]);
    expect(settled).toEqual([[2, { ok: false, error: closedFailure('fake'), ms: 0 }]]);
    void closing;
  });
});

describe('PerTaskScheduler: prespawn', () => {
  it('boots `prespawn` idle runners, gives a job the oldest and replaces it on the next turn', async () => {
    const { scheduler, runners } = harness({ prespawn: 2 });
    expect(runners).toHaveLength(2);
    expect(runners.map((r) => r.warm)).toEqual([[], []]);
    expect(scheduler.idleCount).toBe(2);

    scheduler.start(moduleJob('file:///a.js'), recorder());
    expect(runners).toHaveLength(2);
    expect(runners[0]?.submitted?.id).toBe(1);
    expect(scheduler.idleCount).toBe(1);

    await nextTurn();
    expect(runners).toHaveLength(3);
    expect(runners[2]?.warm).toEqual(['file:///a.js']);
    expect(scheduler.idleCount).toBe(2);
  });

  it('does not replace an idle runner that died until a job takes another', async () => {
    const { scheduler, runners } = harness({ prespawn: 2 });
    runners[0]?.exit();
    expect(scheduler.idleCount).toBe(1);
    expect(scheduler.runnerCount).toBe(1);
    await nextTurn();
    expect(runners).toHaveLength(2);
    scheduler.start(fnJob(), recorder());
    expect(runners[1]?.submitted?.id).toBe(1);
    await nextTurn();
    expect(scheduler.idleCount).toBe(2);
  });

  it('with `refillDelayMs`, refills after the delay, or on the next turn once a place frees', () => {
    vi.useFakeTimers();
    const { scheduler, runners } = harness({ prespawn: 1, refillDelayMs: 25 });
    scheduler.start(fnJob(), recorder());
    expect(scheduler.idleCount).toBe(0);
    vi.advanceTimersByTime(24);
    expect(scheduler.idleCount).toBe(0);
    vi.advanceTimersByTime(1);
    expect(scheduler.idleCount).toBe(1);

    scheduler.start(fnJob(), recorder());
    expect(scheduler.idleCount).toBe(0);
    runners[1]?.finish(1);
    vi.advanceTimersByTime(0); // the pending top-up was brought forward to the next turn
    expect(scheduler.idleCount).toBe(1);
    expect(runners).toHaveLength(3);
    vi.advanceTimersByTime(100);
    expect(runners).toHaveLength(3);
  });

  it('takes the idle runner `pickIdle` chooses, or spawns a fresh one when it finds none', () => {
    const { scheduler, runners } = harness({
      prespawn: 2,
      pickIdle: (idle, task) => (task.kind === 'module' ? idle.length - 1 : -1),
    });
    scheduler.start(moduleJob('file:///m.js'), recorder());
    expect(runners[1]?.submitted?.id).toBe(1);
    scheduler.start(fnJob(), recorder());
    expect(runners).toHaveLength(3);
    expect(runners[2]?.submitted?.id).toBe(2);
    expect(runners[0]?.submitted).toBeUndefined();
  });

  it('notes a module when its job starts running, or when it is submitted with `noteModules: start`', async () => {
    for (const [noteModules, warm] of [
      ['launch', ['file:///a.js']],
      ['start', ['file:///b.js', 'file:///a.js']],
    ] as const) {
      const { scheduler, runners } = harness({ prespawn: 1, concurrency: 1, noteModules });
      scheduler.start(moduleJob('file:///a.js'), recorder());
      scheduler.start(moduleJob('file:///b.js'), recorder()); // waits
      await nextTurn();
      expect(runners[1]?.warm).toEqual(warm);
      await Promise.all([scheduler.close(), ...runners.map((r) => r.exit())]);
    }
  });
});

describe('PerTaskScheduler: start failures', () => {
  it('settles a job whose runner cannot be spawned and gives its place to the next one', () => {
    const { scheduler, runners, failSpawns } = harness({ concurrency: 1 });
    scheduler.start(fnJob(), recorder());
    const failing = recorder();
    const next = recorder();
    scheduler.start(fnJob(), failing);
    scheduler.start(fnJob(), next);

    failSpawns(true);
    runners[0]?.finish(1);
    expect(failing.results).toEqual([
      { ok: false, error: makeFailure('crashed', 'could not start: spawn EAGAIN'), ms: 0 },
    ]);
    expect(next.results).toHaveLength(1); // its spawn failed too: the place is free again
    failSpawns(false);
    scheduler.start(fnJob(), recorder());
    expect(runners.map((r) => r.submitted?.id)).toEqual([1, 4]);
  });

  it('keeps a prespawned runner that refused its job idle when `runFailure` is given', () => {
    const { scheduler, runners } = harness({
      concurrency: 1,
      prespawn: 1,
      runFailure: (err) => makeFailure('unserializable', (err as Error).message),
    });
    const idle = runners[0] as FakeRunner;
    idle.refuse = true;
    const sink = recorder();
    scheduler.start(fnJob(), sink);
    expect(sink.results).toEqual([{ ok: false, error: makeFailure('unserializable', 'cannot post'), ms: 0 }]);
    expect(scheduler.idleCount).toBe(1);

    idle.refuse = false;
    scheduler.start(fnJob(), recorder()); // the place was freed, and the same runner takes this one
    expect(idle.submitted?.id).toBe(2);
  });

  it('lets the error of a refusing runner propagate without `runFailure`', () => {
    const { scheduler, runners } = harness({ prespawn: 1 });
    (runners[0] as FakeRunner).refuse = true;
    expect(() => scheduler.start(fnJob(), recorder())).toThrow('cannot post');
  });

  it('keeps booting nothing while prespawning fails, and does not throw from the constructor', () => {
    const scheduler = new PerTaskScheduler<FakeRunner>({
      driver: 'fake',
      concurrency: 1,
      prespawn: 2,
      warmModules: 1,
      spawn: () => {
        throw new Error('no');
      },
      spawnFailure: () => makeFailure('crashed', 'no'),
    });
    expect(scheduler.idleCount).toBe(0);
    expect(scheduler.runnerCount).toBe(0);
  });
});
