/**
 * The thread driver: a fresh `worker_threads` Worker per task, so a task owns its whole heap and
 * whatever it does to its thread (throw from a timer, exit, run out of memory, loop forever) fails its
 * own slot only. The driver enforces concurrency (queueing beyond it), timeouts and aborts by
 * terminating workers, and can keep prespawned workers ready so a task does not wait for a spawn.
 */
import type { Driver, DriverSettings, Job, JobHandle, JobSink, TaskFailure } from '@isolane/core';
import { makeFailure, toFailure } from '@isolane/core';
import { workerTsxHook } from '@isolane/core/driver-kit';
import {
  optionsFromSettings,
  type ResolvedThreadOptions,
  resolveThreadOptions,
  resourceLimitsFor,
  type ThreadDriverOptions,
} from './options.js';
import { type SubmittedJob, TaskThread, type TaskThreadOptions } from './task-thread.js';

/** How many recently used task modules a prespawned worker loads ahead of its task. */
const WARM_MODULES = 8;

/** A job from `start()` on: waiting for a concurrency place, then run by its worker thread. */
interface TrackedJob extends SubmittedJob {
  runner: TaskThread | undefined;
  /** Aborted or closed while it waited: skipped when its turn comes. */
  dropped: boolean;
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
  #queue: TrackedJob[] = [];
  #queueHead = 0;
  #running = 0;
  #nextId = 1;
  #fillScheduled = false;
  /** Module tasks run recently, most recent first: what prespawned workers load while they wait. */
  #recentModules: string[] = [];
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: ThreadDriverOptions = {}) {
    this.#options = resolveThreadOptions(options);
    this.#threadOptions = {
      bootstrap: this.#options.bootstrap,
      tsx: workerTsxHook(),
      resourceLimits: resourceLimitsFor(this.#options.memoryLimitMb),
      lingerMs: this.#options.lingerMs,
      env: this.#options.env,
      onRelease: () => this.#release(),
      onExit: (thread) => this.#forget(thread),
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
    const tracked: TrackedJob = { job, sink, id: this.#nextId++, runner: undefined, dropped: false };
    if (this.#closed) {
      sink.settle({ ok: false, error: closedFailure(), ms: 0 });
      return { abort() {} };
    }
    if (this.#options.prespawn > 0 && job.task.kind === 'module') this.#noteModule(job.task.module);
    if (this.#running < this.#options.concurrency) this.#launch(tracked);
    else this.#queue.push(tracked);
    return {
      abort: (failure: TaskFailure) => {
        if (tracked.runner) tracked.runner.abort(failure);
        else if (!tracked.dropped) {
          tracked.dropped = true;
          sink.settle({ ok: false, error: failure, ms: 0 });
        }
      },
    };
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    const failure = closedFailure();
    const queue = this.#queue;
    const head = this.#queueHead;
    this.#queue = [];
    this.#queueHead = 0;
    for (let i = head; i < queue.length; i++) {
      const tracked = queue[i]!;
      if (tracked.dropped) continue;
      tracked.dropped = true;
      tracked.sink.settle({ ok: false, error: failure, ms: 0 });
    }
    const threads = [...this.#threads];
    for (const thread of threads) thread.abort(failure);
    await Promise.all(threads.map((thread) => thread.exited));
  }

  #launch(tracked: TrackedJob): void {
    this.#running++;
    const idle = this.#idle.shift();
    try {
      if (idle) {
        idle.run(tracked);
        tracked.runner = idle;
        this.#scheduleFill();
      } else {
        const thread = new TaskThread(this.#threadOptions, tracked);
        this.#threads.add(thread);
        tracked.runner = thread;
      }
    } catch (err) {
      if (idle) this.#idle.unshift(idle);
      tracked.dropped = true;
      tracked.sink.settle({ ok: false, error: startFailure(err), ms: 0 });
      this.#release();
    }
  }

  /** A running job's outcome is known: its place goes to the next waiting job. */
  #release(): void {
    this.#running--;
    while (this.#running < this.#options.concurrency && this.#queueHead < this.#queue.length) {
      const next = this.#queue[this.#queueHead++]!;
      if (!next.dropped) this.#launch(next);
    }
    if (this.#queueHead === this.#queue.length) {
      this.#queue = [];
      this.#queueHead = 0;
    } else if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#queueHead);
      this.#queueHead = 0;
    }
  }

  #noteModule(url: string): void {
    const recent = this.#recentModules;
    if (recent[0] === url) return;
    const at = recent.indexOf(url);
    if (at >= 0) recent.splice(at, 1);
    recent.unshift(url);
    if (recent.length > WARM_MODULES) recent.pop();
  }

  #forget(thread: TaskThread): void {
    this.#threads.delete(thread);
    const at = this.#idle.indexOf(thread);
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
      let thread: TaskThread;
      try {
        thread = new TaskThread(this.#threadOptions, undefined, this.#recentModules);
      } catch {
        return; // spawning fails: jobs will spawn (and report why) on demand
      }
      this.#threads.add(thread);
      this.#idle.push(thread);
    }
  }
}

function closedFailure(): TaskFailure {
  return makeFailure('aborted', 'the thread driver was closed', { name: 'AbortError' });
}

function startFailure(err: unknown): TaskFailure {
  const cause = toFailure(err, 'crashed');
  if (cause.name === 'DataCloneError') {
    return makeFailure(
      'unserializable',
      `the task's arguments cannot be sent to a worker: ${cause.message}`,
      {
        name: 'DataCloneError',
      },
    );
  }
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
