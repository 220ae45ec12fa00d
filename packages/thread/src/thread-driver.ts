/**
 * The thread driver: a fresh `worker_threads` Worker per task, so a task owns its whole heap and
 * whatever it does to its thread (throw from a timer, exit, run out of memory, loop forever) fails its
 * own slot only. The driver enforces concurrency (queueing beyond it), timeouts and aborts by
 * terminating workers, and can keep prespawned workers ready so a task does not wait for a spawn.
 */
import {
  type Driver,
  type DriverSettings,
  type Job,
  type JobHandle,
  type JobSink,
  makeFailure,
  PerTaskScheduler,
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
  /** Queue, concurrency gate, prespawned workers (replaced on the next turn), closing. */
  readonly #scheduler: PerTaskScheduler<TaskThread>;

  constructor(options: ThreadDriverOptions = {}) {
    this.#options = resolveThreadOptions(options);
    this.#threadOptions = {
      bootstrap: this.#options.bootstrap,
      bootstrapTimeout: this.#options.bootstrapTimeout,
      tsx: workerTsxHook(),
      resourceLimits: resourceLimitsFor(this.#options.memoryLimitMb),
      memoryLimitMb: this.#options.memoryLimitMb,
      maxResultMb: this.#options.maxResultMb,
      lingerMs: this.#options.lingerMs,
      env: this.#options.env,
      onRelease: () => this.#scheduler.release(),
      onExit: (runner) => this.#scheduler.forget(runner),
    };
    const threadOptions = this.#threadOptions;
    this.#scheduler = new PerTaskScheduler<TaskThread>({
      driver: this.name,
      concurrency: this.#options.concurrency,
      prespawn: this.#options.prespawn,
      warmModules: WARM_MODULES,
      noteModules: 'start',
      spawn: (submitted, warm) => new TaskThread(threadOptions, submitted, warm),
      spawnFailure: startFailure,
      // A prespawned worker that cannot be posted the job's arguments stays idle for the next job.
      runFailure: startFailure,
    });
  }

  /** The options in effect (defaults applied). */
  get options(): ResolvedThreadOptions {
    return this.#options;
  }

  /** Live worker threads: running, lingering after their task, and prespawned. */
  get threadCount(): number {
    return this.#scheduler.runnerCount;
  }

  start(job: Job, sink: JobSink): JobHandle {
    return this.#scheduler.start(job, sink);
  }

  /**
   * Replaces the prespawned workers with new ones started now (with the current `process.env`); running
   * tasks are not touched. Without `prespawn` every task already gets a fresh worker.
   *
   * @example
   * ```ts
   * process.env.API_TOKEN = rotated;
   * driver.recycle(); // the next tasks read the new token
   * ```
   */
  recycle(): void {
    this.#scheduler.recycle();
  }

  close(): Promise<void> {
    return this.#scheduler.close();
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
