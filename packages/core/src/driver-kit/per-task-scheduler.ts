/**
 * The scheduler of a driver that runs every task in a runner of its own (a fresh child process, a fresh
 * worker thread): the concurrency gate with its FIFO queue, aborting a job whether it waits or runs,
 * closing (waiting jobs fail with the closed failure, every runner is stopped and awaited), and the
 * `prespawn` runners booted ahead of demand, warmed with the recently used task modules and replaced
 * once a job takes one. What a runner is (how it spawns, runs its one job and dies) stays the driver's.
 */
import type { Job, JobHandle, JobSink } from '../driver.js';
import type { TaskFailure } from '../failure.js';
import type { CallerFrame } from '../message-frames.js';
import type { Result } from '../result.js';
import { closedFailure } from './failures.js';
import { JobQueue } from './job-queue.js';
import { RecentModules } from './recent-modules.js';
import type { SubmittedJob } from './submitted-job.js';

/**
 * What the scheduler needs of a runner: it runs at most one job and reports back through the callbacks
 * the driver gave it — {@link PerTaskScheduler.release} once its job's outcome is known,
 * {@link PerTaskScheduler.forget} once it is gone.
 */
export interface PerTaskRunner {
  /** Gives a prespawned runner its job. */
  run(submitted: SubmittedJob): void;
  /** Settles its job with `failure` (unless it has an outcome) and stops the runner. */
  abort(failure: TaskFailure): void;
  /** Resolves once the runner is gone. */
  readonly exited: Promise<void>;
  /** Optional: carries a caller frame of its job's messages to the task (see `JobHandle.toTask`). */
  toTask?(frame: CallerFrame): void;
}

/** What `PerTaskScheduler.start` returns: the job's id (the one its runner is handed) and its abort. */
export interface PerTaskJobHandle extends JobHandle {
  readonly id: number;
}

/** How a driver's runners are started and stopped, and the scheduling choices that differ per driver. */
export interface PerTaskSchedulerOptions<R extends PerTaskRunner> {
  /** The driver's name, as the closed failure names it. */
  readonly driver: string;
  /** How many jobs run at once (checked by the caller, see `checkConcurrency`). */
  readonly concurrency: number;
  /** How many idle runners are kept booted ahead of demand (0: none). */
  readonly prespawn: number;
  /** How many recently used task modules a prespawned runner is handed to load while idle. */
  readonly warmModules: number;
  /**
   * When a module task counts as recently used: when it is submitted (`'start'`) or when it gets a
   * runner (`'launch'`, the default). Only noted while `prespawn` is above 0.
   */
  readonly noteModules?: 'start' | 'launch' | undefined;
  /**
   * Without it, a prespawned runner a job took is replaced on the next turn of the event loop (which
   * does not keep the process alive). With it, every launch schedules the top-up after `refillDelayMs`,
   * brought forward to the next turn when a running job frees its place: spawning blocks this thread,
   * so not while a job's result is due.
   */
  readonly refillDelayMs?: number | undefined;
  /**
   * Starts a runner: for `submitted` (it runs that job at once; `warm` is undefined) or, without it,
   * prespawned and idle, loading the `warm` modules (the recently used ones, most recent first; maybe
   * none). Throws when the runner cannot be started.
   */
  spawn(submitted: SubmittedJob | undefined, warm: readonly string[] | undefined): R;
  /** The failure of a job whose runner `spawn` could not start. */
  spawnFailure(err: unknown): TaskFailure;
  /**
   * The failure of a job a prespawned runner refused (its `run` threw); the runner stays idle. Without
   * it, `run`'s error propagates.
   */
  readonly runFailure?: ((err: unknown) => TaskFailure) | undefined;
  /** The idle runner that may run `task` (index into `idle`, -1: none; spawn a fresh one). Default: the oldest. */
  readonly pickIdle?: ((idle: readonly R[], task: Job['task']) => number) | undefined;
  /** Delivers an outcome the scheduler decides itself (closed, aborted while waiting, spawn failure). */
  readonly settle?: ((submitted: SubmittedJob, result: Result<unknown>) => void) | undefined;
  /** Stops a runner when the driver closes. Default: `runner.abort(failure)`. */
  readonly stop?: ((runner: R, failure: TaskFailure) => void) | undefined;
}

/** A job from `start()` on: waiting for a concurrency place, then run by its runner. */
interface TrackedJob<R> extends SubmittedJob {
  /** Its place in the queue while it waits (-1: it never waited). */
  ticket: number;
  runner: R | undefined;
  /** Caller frames that came before the job had a runner, in order. */
  early: CallerFrame[] | undefined;
}

/**
 * Schedules one-job-per-runner work for a driver: the driver's `start`/`close` delegate here, and the
 * runners it spawns call back {@link PerTaskScheduler.release} and {@link PerTaskScheduler.forget}.
 * Boots the `prespawn` runners as soon as it is constructed.
 *
 * @example
 * ```ts
 * const scheduler: PerTaskScheduler<TaskThread> = new PerTaskScheduler({
 *   driver: 'thread',
 *   concurrency: 4,
 *   prespawn: 2,
 *   warmModules: 8,
 *   spawn: (submitted, warm) =>
 *     new TaskThread({ ...options, onRelease: () => scheduler.release(), onExit: (t) => scheduler.forget(t) }, submitted, warm),
 *   spawnFailure: (err) => makeFailure('crashed', `a worker thread could not be started: ${String(err)}`),
 * });
 * const handle = scheduler.start(job, sink); // runs now, or waits for a place
 * handle.abort(makeFailure('aborted', 'no longer needed'));
 * await scheduler.close();
 * ```
 */
export class PerTaskScheduler<R extends PerTaskRunner> {
  readonly #options: PerTaskSchedulerOptions<R>;
  readonly #queue: JobQueue<TrackedJob<R>>;
  /** Live runners: running, prespawned, lingering or being stopped. */
  readonly #runners = new Set<R>();
  /** Prespawned runners (booting or ready), oldest first. */
  readonly #idle: R[] = [];
  /** Task modules of recent jobs, most recent first: what prespawned runners load while idle. */
  readonly #recentModules: RecentModules;
  readonly #noteOnStart: boolean;
  #nextId = 1;
  #fillTimer: NodeJS.Timeout | undefined;
  #fillSoon = false;
  #closed = false;
  #closing: Promise<void> | undefined;
  /** Inside a job handle's abort (its runner's release defers the launch of the next job). */
  #aborting = 0;
  #launchPending = false;

  constructor(options: PerTaskSchedulerOptions<R>) {
    this.#options = options;
    this.#queue = new JobQueue(options.concurrency);
    this.#recentModules = new RecentModules(options.warmModules);
    this.#noteOnStart = options.noteModules === 'start';
    this.#fill();
  }

  /** Live runners (running, idle prespawned, lingering or being stopped). */
  get runnerCount(): number {
    return this.#runners.size;
  }

  /** Prespawned runners waiting for a job. */
  get idleCount(): number {
    return this.#idle.length;
  }

  /** Runs the job now if a place is free, else queues it; after `close()`, settles it as closed. */
  start(job: Job, sink: JobSink): PerTaskJobHandle {
    const tracked: TrackedJob<R> = {
      job,
      sink,
      id: this.#nextId++,
      ticket: -1,
      runner: undefined,
      early: undefined,
    };
    const handle: PerTaskJobHandle = {
      id: tracked.id,
      abort: (failure: TaskFailure) => {
        if (tracked.runner) {
          // The place it frees is handed on only after the caller's other aborts (see release()).
          this.#aborting++;
          try {
            tracked.runner.abort(failure);
          } finally {
            this.#aborting--;
          }
        } else if (this.#queue.remove(tracked.ticket, tracked)) this.#fail(tracked, failure);
      },
      toTask: (frame: CallerFrame) => {
        if (tracked.runner) tracked.runner.toTask?.(frame);
        else {
          tracked.early ??= [];
          tracked.early.push(frame);
        }
      },
    };
    if (this.#closed) this.#fail(tracked, closedFailure(this.#options.driver));
    else {
      if (this.#noteOnStart) this.#note(job.task);
      if (this.#queue.admit()) this.#launch(tracked);
      else tracked.ticket = this.#queue.push(tracked);
    }
    return handle;
  }

  /**
   * Stops the prespawned runners waiting for a job and boots new ones (with the parent's environment as
   * it is now); running jobs are not touched. Nothing to do once closed or without `prespawn`.
   */
  recycle(): void {
    if (this.#closed || this.#idle.length === 0) return;
    const stale = this.#idle.splice(0);
    const failure = closedFailure(this.#options.driver);
    const { stop } = this.#options;
    for (const runner of stale) {
      if (stop) stop(runner, failure);
      else runner.abort(failure);
    }
    this.#fill();
  }

  /** Fails every waiting job as closed, stops every runner and resolves once all of them are gone. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /**
   * A running job's outcome is known: its place goes to the next waiting job — at once, or, when the
   * job was aborted, once the code that aborted it is done (a microtask later). A group aborting all
   * its jobs, or shutdown() aborting every group, drops the waiting ones first; were the place handed
   * on at once, each running job stopped would start the next waiting job only for it to be stopped
   * too (a thread or process started per job, one after another).
   */
  release(): void {
    this.#queue.finish();
    if (this.#aborting > 0) this.#launchSoon();
    else this.#launchWaiting();
    // After the caller had its result (sink callbacks resolve promises: let them run first).
    if (this.#options.refillDelayMs !== undefined) this.#scheduleFill(true);
  }

  /** Launches waiting jobs while there are places (none once closed). */
  #launchWaiting(): void {
    if (!this.#closed)
      for (let next = this.#queue.next(); next; next = this.#queue.next()) this.#launch(next);
  }

  #launchSoon(): void {
    if (this.#launchPending) return;
    this.#launchPending = true;
    queueMicrotask(() => {
      this.#launchPending = false;
      this.#launchWaiting();
    });
  }

  /** A runner is gone. It is not replaced here: a bootstrap that kills every runner would respawn forever. */
  forget(runner: R): void {
    this.#runners.delete(runner);
    const at = this.#idle.indexOf(runner);
    if (at >= 0) this.#idle.splice(at, 1);
  }

  async #close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#fillTimer);
    const failure = closedFailure(this.#options.driver);
    for (const tracked of this.#queue.drain()) this.#fail(tracked, failure);
    this.#idle.length = 0;
    const runners = [...this.#runners];
    const { stop } = this.#options;
    for (const runner of runners) {
      if (stop) stop(runner, failure);
      else runner.abort(failure);
    }
    await Promise.all(runners.map((runner) => runner.exited));
  }

  /** Runs a job counted as running by the queue. */
  #launch(tracked: TrackedJob<R>): void {
    const options = this.#options;
    const { task } = tracked.job;
    if (!this.#noteOnStart) this.#note(task);
    const at = options.pickIdle && this.#idle.length > 0 ? options.pickIdle(this.#idle, task) : 0;
    const idle = at === -1 ? undefined : this.#idle.splice(at, 1)[0];
    if (idle) {
      tracked.runner = idle;
      try {
        idle.run(tracked);
      } catch (err) {
        if (!options.runFailure) throw err;
        tracked.runner = undefined;
        this.#idle.splice(at, 0, idle);
        this.#fail(tracked, options.runFailure(err));
        this.release();
        return;
      }
      if (options.refillDelayMs === undefined) this.#fillNextTurn();
    } else {
      let runner: R;
      try {
        runner = options.spawn(tracked, undefined);
      } catch (err) {
        this.#fail(tracked, options.spawnFailure(err));
        this.release();
        return;
      }
      this.#runners.add(runner);
      tracked.runner = runner;
    }
    if (options.refillDelayMs !== undefined && options.prespawn > 0) this.#scheduleFill(false);
    const early = tracked.early;
    tracked.early = undefined;
    if (early !== undefined) for (const frame of early) tracked.runner?.toTask?.(frame);
  }

  #note(task: Job['task']): void {
    if (task.kind === 'module' && this.#options.prespawn > 0) this.#recentModules.note(task.module);
  }

  #fail(tracked: TrackedJob<R>, error: TaskFailure): void {
    const result: Result<unknown> = { ok: false, error, ms: 0 };
    const { settle } = this.#options;
    if (settle) settle(tracked, result);
    else tracked.sink.settle(result);
  }

  /** Without `refillDelayMs`: the top-up waits for the next turn, so the job that took a runner goes first. */
  #fillNextTurn(): void {
    if (this.#fillSoon) return;
    this.#fillSoon = true;
    setImmediate(() => {
      this.#fillSoon = false;
      this.#fill();
    }).unref();
  }

  /**
   * With `refillDelayMs`: tops the prespawned runners up after that delay (`soon`: on the next turn of
   * the event loop, if a top-up is pending).
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
      }, this.#options.refillDelayMs);
    }
  }

  /** Keeps `prespawn` runners booted and waiting. */
  #fill(): void {
    const { prespawn } = this.#options;
    while (!this.#closed && this.#idle.length < prespawn) {
      let runner: R;
      try {
        runner = this.#options.spawn(undefined, this.#recentModules.list());
      } catch {
        return; // The next job spawns on demand and reports why spawning fails.
      }
      this.#runners.add(runner);
      this.#idle.push(runner);
    }
  }
}
