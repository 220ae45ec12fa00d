/**
 * The thread driver: a fresh `worker_threads` Worker per task, so a task owns its whole heap and
 * whatever it does to its thread (throw from a timer, exit, run out of memory, loop forever) fails its
 * own slot only. The driver enforces concurrency (queueing beyond it), timeouts and aborts by
 * terminating workers, and can keep prespawned workers ready so a task does not wait for a spawn.
 */
import {
  closedFailure,
  type Driver,
  type DriverSettings,
  type Job,
  type JobHandle,
  JobQueue,
  type JobSink,
  makeFailure,
  RecentModules,
  type SubmittedJob,
  type TaskFailure,
  toFailure,
  unsendableArgsFailure,
  workerTsxHook,
} from '@isolane/core/driver-kit';
import {
  optionsFromSettings,
  type ResolvedThreadOptions,
  resolveThreadOptions,
  resourceLimitsFor,
  type ThreadDriverOptions,
} from './options.js';
import { TaskThread, type TaskThreadOptions } from './task-thread.js';

/** How many recently used task modules a prespawned worker loads ahead of its task. */
const WARM_MODULES = 8;

/** A job from `start()` on: waiting for a concurrency place, then run by its worker thread. */
interface TrackedJob extends SubmittedJob {
  /** Its place in the queue while it waits (-1: it never waited). */
  ticket: number;
  runner: TaskThread | undefined;
}

/**
 * Runs each task in a fresh worker thread.
 *
 * @example
 * ```ts
 * import { WaitGroup } from '@isolane/core';
 * import { ThreadDriver } from '@isolane/thread';
 *
 * const driver = new ThreadDriver({ concurrency: 4, memoryLimitMb: 128, prespawn: 2 });
 * await using wg = new WaitGroup({ driver, timeout: 5_000 });
 * wg.go((n: number) => n * 2, 21);
 * const [r] = await wg.wait(); // { ok: true, value: 42, ms: … }
 * await driver.close();
 * ```
 */
export class ThreadDriver implements Driver {
  readonly name = 'thread';
  readonly #options: ResolvedThreadOptions;
  readonly #threadOptions: TaskThreadOptions;
  readonly #threads = new Set<TaskThread>();
  readonly #idle: TaskThread[] = [];
  readonly #queue: JobQueue<TrackedJob>;
  #nextId = 1;
  #fillScheduled = false;
  /** Module tasks run recently, most recent first: what prespawned workers load while they wait. */
  readonly #recentModules = new RecentModules(WARM_MODULES);
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: ThreadDriverOptions = {}) {
    this.#options = resolveThreadOptions(options);
    this.#queue = new JobQueue(this.#options.concurrency);
    this.#threadOptions = {
      bootstrap: this.#options.bootstrap,
      tsx: workerTsxHook(),
      resourceLimits: resourceLimitsFor(this.#options.memoryLimitMb),
      memoryLimitMb: this.#options.memoryLimitMb,
      lingerMs: this.#options.lingerMs,
      env: this.#options.env,
      onRelease: () => this.#release(),
      onExit: (runner) => this.#forget(runner),
    };
    this.#fill();
  }

  /** The options in effect (defaults applied). */
  get options(): ResolvedThreadOptions {
    return this.#options;
  }

  /** Live worker threads: running, lingering after their task, and prespawned. */
  get threadCount(): number {
    return this.#threads.size;
  }

  start(job: Job, sink: JobSink): JobHandle {
    if (this.#closed) {
      sink.settle({ ok: false, error: closedFailure(this.name), ms: 0 });
      return { abort() {} };
    }
    const tracked: TrackedJob = { job, sink, id: this.#nextId++, ticket: -1, runner: undefined };
    if (this.#options.prespawn > 0 && job.task.kind === 'module') this.#recentModules.note(job.task.module);
    if (this.#queue.admit()) this.#launch(tracked);
    else tracked.ticket = this.#queue.push(tracked);
    return {
      abort: (failure: TaskFailure) => {
        if (tracked.runner) tracked.runner.abort(failure);
        else if (this.#queue.remove(tracked.ticket, tracked))
          sink.settle({ ok: false, error: failure, ms: 0 });
      },
    };
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    const failure = closedFailure(this.name);
    for (const tracked of this.#queue.drain()) tracked.sink.settle({ ok: false, error: failure, ms: 0 });
    const threads = [...this.#threads];
    for (const runner of threads) runner.abort(failure);
    await Promise.all(threads.map((runner) => runner.exited));
  }

  /** Runs a job counted as running by the queue. */
  #launch(tracked: TrackedJob): void {
    const idle = this.#idle.shift();
    try {
      if (idle) {
        idle.run(tracked);
        tracked.runner = idle;
        this.#scheduleFill();
      } else {
        const runner = new TaskThread(this.#threadOptions, tracked);
        this.#threads.add(runner);
        tracked.runner = runner;
      }
    } catch (err) {
      if (idle) this.#idle.unshift(idle);
      tracked.sink.settle({ ok: false, error: startFailure(err), ms: 0 });
      this.#release();
    }
  }

  /** A running job's outcome is known: its place goes to the next waiting job. */
  #release(): void {
    this.#queue.finish();
    for (let next = this.#queue.next(); next; next = this.#queue.next()) this.#launch(next);
  }

  #forget(runner: TaskThread): void {
    this.#threads.delete(runner);
    const at = this.#idle.indexOf(runner);
    if (at >= 0) this.#idle.splice(at, 1);
  }

  /** Replacements are spawned off the hot path: the job that took a prespawned worker goes first. */
  #scheduleFill(): void {
    if (this.#fillScheduled) return;
    this.#fillScheduled = true;
    setImmediate(() => {
      this.#fillScheduled = false;
      this.#fill();
    }).unref();
  }

  /** Tops the prespawned pool up to `prespawn` fresh workers. */
  #fill(): void {
    while (!this.#closed && this.#idle.length < this.#options.prespawn) {
      let runner: TaskThread;
      try {
        runner = new TaskThread(this.#threadOptions, undefined, this.#recentModules.list());
      } catch {
        return; // spawning fails: jobs will spawn (and report why) on demand
      }
      this.#threads.add(runner);
      this.#idle.push(runner);
    }
  }
}

function startFailure(err: unknown): TaskFailure {
  const cause = toFailure(err, 'crashed');
  if (cause.name === 'DataCloneError') return unsendableArgsFailure(err, 'a worker thread');
  return makeFailure('crashed', `a worker thread could not be started: ${cause.message}`, {
    name: 'CrashError',
    ...(cause.code !== undefined ? { code: cause.code } : {}),
    cause,
  });
}

/**
 * Factory used when a WaitGroup names `driver: 'thread'`; `settings.options` may set `prespawn` and
 * `lingerMs`.
 *
 * @example
 * ```ts
 * const driver = createDriver({ concurrency: 8, options: { prespawn: 2 } });
 * ```
 */
export function createDriver(settings: DriverSettings): ThreadDriver {
  return new ThreadDriver(optionsFromSettings(settings));
}
