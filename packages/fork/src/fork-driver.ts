/**
 * The fork driver: every task gets a fresh Node child process, so a task that exits, crashes, leaks,
 * runs out of memory or loops forever takes down nothing but its own process. The driver is the
 * scheduler: it enforces the group's concurrency (queueing beyond it), keeps `prespawn` children booted
 * ahead of demand and closes; each task's child (spawn, timeout, result, death, lingering) is a
 * {@link TaskProcess}.
 */

import { fileURLToPath } from 'node:url';
import {
  ChildGrants,
  closedFailure,
  type Driver,
  type DriverSettings,
  type Job,
  type JobHandle,
  JobQueue,
  type JobSink,
  RecentModules,
  type Result,
  type SubmittedJob,
  type TaskFailure,
} from '@isolane/core/driver-kit';
import { spawnFailure } from './child-death.js';
import {
  type ForkDriverOptions,
  type ForkOptions,
  type ResolvedForkOptions,
  resolveForkOptions,
} from './fork-options.js';
import { childNodeFlags } from './node-flags.js';
import { TaskProcess, type TaskProcessOptions } from './task-process.js';

/** This package's folder (holds the child entry): every child may read it under `permissions`. */
const FORK_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** How long a job may run before the prespawned child it took is replaced anyway. */
const FILL_DELAY_MS = 25;

/** How many recently used task modules a prespawned child imports while idle. */
const WARM_MODULES = 4;

/** What `ForkDriver.start` returns: the job's id (the `jobId` of its captured output) and its abort. */
export interface ForkJobHandle extends JobHandle {
  readonly id: number;
}

/** A job from `start()` on: waiting for a concurrency place, then run by its child. */
interface TrackedJob extends SubmittedJob {
  /** Its place in the queue while it waits (-1: it never waited). */
  ticket: number;
  runner: TaskProcess | undefined;
}

/**
 * Runs every task in a fresh child process.
 *
 * @example
 * ```ts
 * import { WaitGroup } from '@isolane/core';
 * import { ForkDriver } from '@isolane/fork';
 *
 * const driver = new ForkDriver({ concurrency: 4, prespawn: 2, memoryLimitMb: 256 });
 * await using wg = new WaitGroup({ driver, timeout: 5_000 });
 * wg.go(userStats, 42);
 * const [r] = await wg.wait(); // r.ok, or r.error.kind: 'threw' | 'crashed' | 'oom' | 'timeout' | …
 * await driver.close();
 * ```
 */
export class ForkDriver implements Driver {
  readonly name = 'fork';
  readonly #options: ResolvedForkOptions;
  readonly #processOptions: TaskProcessOptions;
  /** Live children: running, prespawned, lingering or being stopped. */
  readonly #processes = new Set<TaskProcess>();
  /** Prespawned children (booting or ready), oldest first. */
  readonly #idle: TaskProcess[] = [];
  readonly #queue: JobQueue<TrackedJob>;
  #nextId = 1;
  #fillTimer: NodeJS.Timeout | undefined;
  #fillSoon = false;
  /** Task modules of recent jobs, most recent first: what prespawned children import while idle. */
  readonly #recentModules = new RecentModules(WARM_MODULES);
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: ForkDriverOptions = {}) {
    const resolved = resolveForkOptions(options);
    this.#options = resolved;
    this.#queue = new JobQueue(resolved.concurrency);
    const nodeFlags = childNodeFlags(process.execArgv, resolved.memoryLimitMb);
    const { permissions, bootstrap } = resolved;
    this.#processOptions = {
      ...resolved,
      nodeFlags,
      grants:
        permissions &&
        new ChildGrants(permissions, bootstrap, nodeFlags, { driver: 'fork', entryRoot: FORK_ROOT }),
      onRelease: () => this.#release(),
      onExit: (runner) => this.#forget(runner),
    };
    this.#fill();
  }

  /** The validated options this driver runs with. */
  get options(): ResolvedForkOptions {
    return this.#options;
  }

  /** Live child processes (running, idle prespawned, lingering or being stopped). */
  get childCount(): number {
    return this.#processes.size;
  }

  start(job: Job, sink: JobSink): ForkJobHandle {
    const tracked: TrackedJob = { job, sink, id: this.#nextId++, ticket: -1, runner: undefined };
    const handle: ForkJobHandle = {
      id: tracked.id,
      abort: (failure: TaskFailure) => {
        if (tracked.runner) tracked.runner.abort(failure);
        else if (this.#queue.remove(tracked.ticket, tracked))
          settle(tracked, { ok: false, error: failure, ms: 0 });
      },
    };
    if (this.#closed) settle(tracked, { ok: false, error: closedFailure(this.name), ms: 0 });
    else if (this.#queue.admit()) this.#launch(tracked);
    else tracked.ticket = this.#queue.push(tracked);
    return handle;
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#fillTimer);
    const failure = closedFailure(this.name);
    for (const tracked of this.#queue.drain()) settle(tracked, { ok: false, error: failure, ms: 0 });
    this.#idle.length = 0;
    const processes = [...this.#processes];
    // Closing waits for every child to be gone, so they keep this process alive until then.
    for (const runner of processes) runner.close(failure);
    await Promise.all(processes.map((runner) => runner.exited));
  }

  /** Runs a job counted as running by the queue. */
  #launch(tracked: TrackedJob): void {
    const { task } = tracked.job;
    if (task.kind === 'module' && this.#options.prespawn > 0) this.#recentModules.note(task.module);
    const idle = this.#takeIdle(task);
    if (idle) {
      tracked.runner = idle;
      idle.run(tracked);
    } else {
      try {
        tracked.runner = new TaskProcess(this.#processOptions, tracked);
      } catch (err) {
        settle(tracked, { ok: false, error: spawnFailure((err as Error).message), ms: 0 });
        this.#release();
        return;
      }
      this.#processes.add(tracked.runner);
    }
    // Replace the prespawned child just taken, but not while this job's result is due: a spawn blocks
    // this thread for milliseconds. When a job's place frees up, or after a short while if it runs long.
    if (this.#options.prespawn > 0) this.#scheduleFill(false);
  }

  /** A running job's outcome is known: its place goes to the next waiting job. */
  #release(): void {
    this.#queue.finish();
    if (!this.#closed)
      for (let next = this.#queue.next(); next; next = this.#queue.next()) this.#launch(next);
    // After the caller had its result (sink callbacks resolve promises: let them run first).
    this.#scheduleFill(true);
  }

  /** A prespawned child for this task: under `permissions`, only one that may read its module. */
  #takeIdle(task: Job['task']): TaskProcess | undefined {
    const i = this.#processOptions.grants ? ChildGrants.pick(this.#idle, task) : 0;
    return i === -1 ? undefined : this.#idle.splice(i, 1)[0];
  }

  #forget(runner: TaskProcess): void {
    this.#processes.delete(runner);
    // Not respawned here: a bootstrap that kills every child would respawn forever.
    const at = this.#idle.indexOf(runner);
    if (at >= 0) this.#idle.splice(at, 1);
  }

  /**
   * Tops the prespawned children up after `FILL_DELAY_MS` (`soon`: on the next turn of the event loop,
   * if a top-up is pending).
   */
  #scheduleFill(soon: boolean): void {
    if (this.#fillSoon) return;
    if (soon) {
      if (this.#fillTimer === undefined) return;
      clearTimeout(this.#fillTimer);
      this.#fillTimer = undefined;
      this.#fillSoon = true;
      setImmediate(() => {
        this.#fillSoon = false;
        this.#fill();
      });
    } else {
      this.#fillTimer ??= setTimeout(() => {
        this.#fillTimer = undefined;
        this.#fill();
      }, FILL_DELAY_MS);
    }
  }

  /** Keeps `prespawn` children booted and waiting. */
  #fill(): void {
    const { prespawn, warmModules } = this.#options;
    while (!this.#closed && this.#idle.length < prespawn) {
      const warm = warmModules && this.#recentModules.size > 0 ? this.#recentModules.list() : undefined;
      let runner: TaskProcess;
      try {
        runner = new TaskProcess(this.#processOptions, undefined, warm);
      } catch {
        return; // The next job spawns on demand and reports why spawning fails.
      }
      this.#processes.add(runner);
      this.#idle.push(runner);
    }
  }
}

function settle(tracked: TrackedJob, result: Result<unknown>): void {
  try {
    tracked.sink.settle(result);
  } catch (err) {
    process.stderr.write(`@isolane/fork: a job sink threw: ${String(err)}\n`);
  }
}

/**
 * Factory used when a WaitGroup names `driver: 'fork'`: fork options come from `settings.options`
 * (e.g. the config file's `drivers.fork`).
 *
 * @example
 * ```ts
 * const driver = createDriver({ concurrency: 4, options: { prespawn: 2 } });
 * ```
 */
export function createDriver(settings: DriverSettings): ForkDriver {
  const options = (settings.options ?? {}) as ForkOptions;
  for (const key of ['concurrency', 'bootstrap', 'memoryLimitMb'] as const) {
    if (key in options)
      throw new TypeError(`settings.options.${key} belongs to the driver settings, not its options`);
  }
  const { concurrency, bootstrap, memoryLimitMb } = settings;
  return new ForkDriver({ ...options, concurrency, bootstrap, memoryLimitMb });
}
