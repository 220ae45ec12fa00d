import { afterEach, describe, expect, it } from 'vitest';
import type { Driver, Job, JobHandle, JobSink } from '../src/driver.js';
import { type PerTaskRunner, PerTaskScheduler } from '../src/driver-kit/per-task-scheduler.js';
import type { SubmittedJob } from '../src/driver-kit/submitted-job.js';
import type { TaskFailure } from '../src/failure.js';
import { shutdown } from '../src/shutdown.js';
import { transfer } from '../src/transfer.js';
import { WaitGroup } from '../src/wait-group.js';
import { InProcessDriver } from './fixtures/in-process-driver.js';
import { add, slow } from './fixtures/tasks.js';

const UNPRINTABLE = 'the group was aborted: <unprintable reason>';

/** Reasons whose inspection throws, or that have no text at all. */
function hostileReasons(): [string, unknown][] {
  const throwingMessage = new Error('hidden');
  Object.defineProperty(throwingMessage, 'message', {
    get() {
      throw new Error('message getter');
    },
  });
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  const throwEverywhere = new Proxy(
    {},
    new Proxy(
      {},
      {
        get() {
          return () => {
            throw new Error('trap');
          };
        },
      },
    ),
  );
  return [
    ['an object without a prototype', Object.create(null)],
    [
      'an object whose toString throws',
      {
        toString() {
          throw new Error('toString');
        },
      },
    ],
    ['an Error whose message getter throws', throwingMessage],
    ['a Proxy that throws on every trap', throwEverywhere],
    ['a revoked Proxy', revocable.proxy],
    ['a symbol', Symbol('why')],
  ];
}

describe('abort(reason) takes any reason', () => {
  for (const [what, reason] of hostileReasons()) {
    it(`aborts the group with ${what}, without throwing`, async () => {
      const driver = new InProcessDriver();
      const wg = new WaitGroup({ driver });
      wg.go(slow, 10_000);
      expect(() => wg.abort(reason)).not.toThrow();
      const [r] = await wg.wait();
      expect(r).toMatchObject({ ok: false, error: { kind: 'aborted', name: 'AbortError' } });
      expect(driver.aborted).toHaveLength(1);
      const message = (r as { error: TaskFailure }).error.message;
      expect(typeof message).toBe('string');
      if (typeof reason === 'symbol') expect(message).toBe('Symbol(why)');
      else expect([UNPRINTABLE, 'Error']).toContain(message);
    });
  }

  it('aborts from its signal when the controller aborts with an object without a prototype', async () => {
    const controller = new AbortController();
    const wg = new WaitGroup({ driver: new InProcessDriver(), signal: controller.signal });
    wg.go(slow, 10_000);
    // Before the fix this threw inside the EventTarget dispatch: an uncaught exception in the host.
    controller.abort(Object.create(null));
    const [r] = await wg.wait();
    expect(r).toMatchObject({ ok: false, error: { kind: 'aborted', message: UNPRINTABLE } });
  });

  it('keeps strings, Errors and other printable reasons as they were', async () => {
    for (const [reason, message] of [
      ['stop', 'stop'],
      [new RangeError('too late'), 'too late'],
      [42, '42'],
      [{ toString: () => 'custom' }, 'custom'],
      [undefined, 'the group was aborted'],
    ] as const) {
      const wg = new WaitGroup({ driver: new InProcessDriver() });
      wg.go(slow, 10_000);
      wg.abort(reason);
      expect((await wg.wait())[0]).toMatchObject({ ok: false, error: { kind: 'aborted', message } });
    }
  });
});

describe('go() on an aborted group', () => {
  it('leaves the caller’s transferred buffers attached: no task will receive them', async () => {
    const driver = new InProcessDriver();
    const wg = new WaitGroup({ driver });
    wg.abort('no more');
    const bytes = new Uint8Array(16).fill(7);
    const index = wg.go((b: Uint8Array) => b.length, transfer(bytes));
    expect(bytes.byteLength).toBe(16);
    expect(bytes[15]).toBe(7);
    expect((await wg.wait())[index]).toMatchObject({ ok: false, error: { kind: 'aborted' } });
    expect(driver.jobs).toHaveLength(0);
  });

  it('still checks the arguments (CaptureError at the call site)', () => {
    const wg = new WaitGroup({ driver: new InProcessDriver() });
    wg.abort();
    expect(() => wg.go((x: unknown) => x, transfer({ f: () => 1 } as never))).toThrow(/args\[0\]\.f/);
    expect(wg.size).toBe(0);
  });
});

/** A runner that runs nothing by itself: it counts how many were ever started. */
class CountingRunner implements PerTaskRunner {
  readonly exited = Promise.resolve();
  constructor(
    readonly submitted: SubmittedJob | undefined,
    readonly onSettle: () => void,
  ) {}
  run(): void {}
  abort(failure: TaskFailure): void {
    this.submitted?.sink.settle({ ok: false, error: failure, ms: 0 });
    this.onSettle();
  }
}

/** A one-runner-per-task driver on driver-kit's scheduler, counting the runners it starts. */
class CountingDriver implements Driver {
  readonly name = 'counting';
  started = 0;
  readonly #scheduler: PerTaskScheduler<CountingRunner>;
  constructor(concurrency: number) {
    this.#scheduler = new PerTaskScheduler<CountingRunner>({
      driver: this.name,
      concurrency,
      prespawn: 0,
      warmModules: 1,
      spawn: (submitted) => {
        this.started++;
        return new CountingRunner(submitted, () => this.#scheduler.release());
      },
      spawnFailure: () => {
        throw new Error('unexpected');
      },
    });
  }
  start(job: Job, sink: JobSink): JobHandle {
    return this.#scheduler.start(job, sink);
  }
  close(): Promise<void> {
    return this.#scheduler.close();
  }
}

describe('abort() and close() of a group with many waiting jobs start no runner', () => {
  afterEach(async () => {
    await shutdown();
  });

  for (const how of ['abort', 'close'] as const) {
    it(`${how}(): 1,000 waiting jobs are dropped before the running ones are stopped`, async () => {
      const driver = new CountingDriver(4);
      const wg = new WaitGroup({ driver });
      for (let i = 0; i < 1_000; i++) wg.go(add, i, 1);
      expect(driver.started).toBe(4);
      if (how === 'abort') wg.abort('enough');
      else await wg.close();
      const results = await wg.wait();
      expect(results.every((r) => !r.ok && r.error.kind === 'aborted')).toBe(true);
      // Let any deferred launch run before counting.
      await new Promise((resolve) => setImmediate(resolve));
      expect(driver.started).toBe(4);
      await driver.close();
    });
  }

  it('shutdown() aborting two groups on one driver starts none of the second group’s waiting jobs', async () => {
    const driver = new CountingDriver(2);
    const first = new WaitGroup({ driver });
    const second = new WaitGroup({ driver });
    for (let i = 0; i < 100; i++) first.go(add, i, 1);
    for (let i = 0; i < 100; i++) second.go(add, i, 1);
    expect(driver.started).toBe(2);
    await shutdown('bye');
    await Promise.all([first.wait(), second.wait()]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(driver.started).toBe(2);
  });

  it('another group’s waiting job still gets the place an aborted job frees', async () => {
    const driver = new CountingDriver(1);
    const doomed = new WaitGroup({ driver });
    const other = new WaitGroup({ driver });
    doomed.go(add, 1, 1);
    other.go(add, 2, 2);
    expect(driver.started).toBe(1);
    doomed.abort();
    await doomed.wait();
    await new Promise((resolve) => setImmediate(resolve));
    expect(driver.started).toBe(2);
    other.abort();
    await other.wait();
    await driver.close();
  });
});
