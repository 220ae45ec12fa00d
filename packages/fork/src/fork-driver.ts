/**
 * The fork driver: every task gets a fresh Node child process, so a task that exits, crashes, leaks,
 * runs out of memory or loops forever takes down nothing but its own process. The driver enforces the
 * group's concurrency (queueing beyond it), the per-task timeout (SIGTERM, then SIGKILL) and aborts,
 * keeps `prespawn` children booted ahead of demand, and lets a child that delivered its result linger
 * briefly so an error its leftovers throw is reported as a stray instead of being lost.
 */

import { fileURLToPath } from 'node:url';
import type { Driver, DriverSettings, Job, JobHandle, JobSink, Result, TaskFailure } from '@isolane/core';
import { makeFailure } from '@isolane/core';
import { ChildGrants, workerEnv } from '@isolane/core/driver-kit';
import { deathFailure, describeExit } from './child-death.js';
import { type ChildExit, ForkChild } from './fork-child.js';
import {
  type ForkDriverOptions,
  type ForkOptions,
  type ResolvedForkOptions,
  resolveForkOptions,
} from './fork-options.js';
import { childNodeFlags } from './node-flags.js';
import { parentDeathGuard } from './parent-death.js';
import type { ChildConfig, ChildMessage } from './protocol.js';

/** How long a job may run before the prespawned child it took is replaced anyway. */
/** This package's folder (holds the child entry): every child may read it under `permissions`. */
const FORK_ROOT = fileURLToPath(new URL('..', import.meta.url));
const REFILL_DELAY_MS = 25;

/** How often a child's watchdog thread (where there is no `setpriv`) checks that its parent is still there. */
const WATCHDOG_MS = 250;

/** How many recently used task modules a prespawned child imports while idle. */
const WARM_MODULES = 4;

/** What `ForkDriver.start` returns: the job's id (the `jobId` of its captured output) and its abort. */
export interface ForkJobHandle extends JobHandle {
  readonly id: number;
}

/** One job from `start()` to its last trace (its child's exit). */
interface Run {
  readonly id: number;
  readonly job: Job;
  readonly sink: JobSink;
  child: ForkChild | undefined;
  /** The slot got its result. */
  settled: boolean;
  /** The child delivered a result (its death afterwards is no longer the slot's failure). */
  answered: boolean;
  /** The child exits because of that result (an uncaught error): its death is expected. */
  fatal: boolean;
  /** The child reported a late error already; its death is not reported twice. */
  strayed: boolean;
  /** Occupies one of the `concurrency` places. */
  counted: boolean;
  started: boolean;
  startedAt: number;
  timer: NodeJS.Timeout | undefined;
  /** Why the driver is killing the child (timeout, abort, close). */
  stopReason: TaskFailure | undefined;
  /** Pending replacement of the prespawned child this job took. */
  refill: NodeJS.Timeout | undefined;
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
  readonly #nodeFlags: readonly string[];
  readonly #queue: Run[] = [];
  readonly #running = new Set<Run>();
  readonly #children = new Set<ForkChild>();
  /** Prespawned children (booting or ready), oldest first. */
  readonly #idle: ForkChild[] = [];
  /** Task modules of recent jobs, most recent first. */
  readonly #recentModules: string[] = [];
  /** With `permissions`: the grants of each child. */
  readonly #grants: ChildGrants | undefined;
  #active = 0;
  #nextId = 1;
  #closed = false;
  #closing: Promise<void> | undefined;
  #drained: (() => void) | undefined;

  constructor(options: ForkDriverOptions = {}) {
    this.#options = resolveForkOptions(options);
    this.#nodeFlags = childNodeFlags(process.execArgv, this.#options.memoryLimitMb);
    const { permissions, bootstrap } = this.#options;
    this.#grants =
      permissions &&
      new ChildGrants(permissions, bootstrap, this.#nodeFlags, { driver: 'fork', entryRoot: FORK_ROOT });
    this.#topUp();
  }

  /** The validated options this driver runs with. */
  get options(): ResolvedForkOptions {
    return this.#options;
  }

  /** Live child processes (running, idle prespawned, lingering or being stopped). */
  get childCount(): number {
    return this.#children.size;
  }

  start(job: Job, sink: JobSink): ForkJobHandle {
    const run: Run = {
      id: this.#nextId++,
      job,
      sink,
      child: undefined,
      settled: false,
      answered: false,
      fatal: false,
      strayed: false,
      counted: false,
      started: false,
      startedAt: 0,
      timer: undefined,
      stopReason: undefined,
      refill: undefined,
    };
    const handle: ForkJobHandle = { id: run.id, abort: (failure) => this.#abort(run, failure) };
    if (this.#closed) {
      this.#settle(run, { ok: false, error: closedFailure(), ms: 0 });
      return handle;
    }
    if (this.#active < this.#options.concurrency) this.#launch(run);
    else this.#queue.push(run);
    return handle;
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#closed = true;
    const failure = closedFailure();
    for (const run of this.#queue.splice(0)) this.#settle(run, { ok: false, error: failure, ms: 0 });
    for (const run of this.#running) this.#stop(run, failure);
    this.#idle.length = 0;
    if (this.#children.size === 0) return;
    const drained = new Promise<void>((resolve) => {
      this.#drained = resolve;
    });
    for (const child of this.#children) {
      // Closing waits for every child to be gone, so they keep this process alive until then.
      child.hold();
      child.stop(this.#options.killGraceMs);
    }
    await drained;
  }

  #launch(run: Run): void {
    this.#active++;
    run.counted = true;
    this.#running.add(run);
    const { task } = run.job;
    let child = this.#takeIdle(task);
    if (!child) {
      try {
        child = this.#spawn(false, task.kind === 'module' ? task.module : undefined);
      } catch (err) {
        this.#release(run);
        this.#running.delete(run);
        const failure = makeFailure(
          'bootstrap',
          `the child process could not be started: ${(err as Error).message}`,
          {
            name: 'BootstrapError',
          },
        );
        this.#settle(run, { ok: false, error: failure, ms: 0 });
        return;
      }
    }
    run.child = child;
    child.jobId = run.id;
    child.hold();
    child.onMessage = (message) => this.#onMessage(run, message);
    child.onExit = (exit) => this.#onExit(run, child, exit);
    child.send({ t: 'job', id: run.id, task, args: run.job.args });
    if (task.kind === 'module') this.#remember(task.module);
    if (this.#options.prespawn > 0) {
      // Replace the prespawned child just taken, but not while this job's result is due: a spawn blocks
      // this thread for milliseconds. When the job answers, or after a short while if it runs long.
      run.refill = setTimeout(() => this.#refill(run), REFILL_DELAY_MS);
    }
  }

  #refill(run: Run): void {
    if (run.refill === undefined) return;
    clearTimeout(run.refill);
    run.refill = undefined;
    this.#topUp();
  }

  /** A prespawned child for this task: under `permissions`, only one that may read its module. */
  #takeIdle(task: Job['task']): ForkChild | undefined {
    const i = this.#grants ? ChildGrants.pick(this.#idle, task) : 0;
    return i === -1 ? undefined : this.#idle.splice(i, 1)[0];
  }

  #spawn(prespawned: boolean, taskModule?: string): ForkChild {
    const { bootstrap, warmModules, stdio, onOutput, watchdog, env } = this.#options;
    const warm =
      prespawned && warmModules && this.#recentModules.length > 0 ? [...this.#recentModules] : undefined;
    const guard = watchdog ? parentDeathGuard() : undefined;
    const launch = this.#grants?.launch(
      [...(taskModule !== undefined ? [taskModule] : []), ...(warm ?? [])],
      guard?.kind === 'thread',
    );
    const config: ChildConfig = {
      ...(guard?.kind === 'thread' ? { watchdogMs: WATCHDOG_MS } : {}),
      ...(bootstrap !== undefined ? { bootstrap } : {}),
      ...(warm ? { warm } : {}),
    };
    const child = new ForkChild({
      nodeFlags: launch ? [...this.#nodeFlags, ...launch.flags] : this.#nodeFlags,
      env: workerEnv(env),
      reads: launch?.reads,
      setpriv: guard?.kind === 'pdeathsig' ? guard.setpriv : undefined,
      config,
      stdio,
      onOutput: onOutput
        ? (stream, text, from) => {
            try {
              onOutput({ stream, text, jobId: from.jobId, pid: from.pid });
            } catch (err) {
              process.stderr.write(`@isolane/fork: onOutput threw: ${String(err)}\n`);
            }
          }
        : undefined,
    });
    this.#children.add(child);
    child.onExit = () => this.#forget(child);
    return child;
  }

  /** Keeps `prespawn` children booted and waiting. */
  #topUp(): void {
    while (!this.#closed && this.#idle.length < this.#options.prespawn) {
      let child: ForkChild;
      try {
        child = this.#spawn(true);
      } catch {
        return; // The next job spawns on demand and reports why spawning fails.
      }
      // An idle child must never keep this process alive.
      child.release();
      child.onExit = () => {
        // Not respawned here: a bootstrap that kills every child would respawn forever.
        const at = this.#idle.indexOf(child);
        if (at >= 0) this.#idle.splice(at, 1);
        this.#forget(child);
      };
      this.#idle.push(child);
    }
  }

  #remember(module: string): void {
    const list = this.#recentModules;
    const at = list.indexOf(module);
    if (at === 0) return;
    if (at > 0) list.splice(at, 1);
    list.unshift(module);
    if (list.length > WARM_MODULES) list.length = WARM_MODULES;
  }

  #onMessage(run: Run, message: ChildMessage): void {
    switch (message.t) {
      case 'start': {
        run.started = true;
        run.startedAt = performance.now();
        const timeout = run.job.timeout;
        if (timeout && !run.settled) {
          run.timer = setTimeout(() => {
            const failure = makeFailure('timeout', `the task ran longer than its ${timeout} ms timeout`, {
              name: 'TimeoutError',
            });
            this.#stop(run, failure);
          }, timeout);
        }
        return;
      }
      case 'result': {
        if (run.answered || run.stopReason) return;
        run.answered = true;
        run.fatal = message.fatal === true;
        if (run.timer) clearTimeout(run.timer);
        this.#settle(run, message.result);
        this.#release(run);
        this.#running.delete(run);
        const child = run.child;
        if (child && !run.fatal && !this.#closed) {
          // Lingering: it may finish what its task left behind, but never for long, and never on our clock.
          child.release();
          setTimeout(() => child.stop(this.#options.killGraceMs), this.#options.lingerMs).unref();
        }
        return;
      }
      case 'stray': {
        run.strayed = true;
        if (!run.settled) this.#settle(run, { ok: false, error: message.failure, ms: 0 });
        else run.sink.stray(message.failure);
        return;
      }
    }
  }

  #onExit(run: Run, child: ForkChild, exit: ChildExit): void {
    if (run.timer) clearTimeout(run.timer);
    const ms = run.started ? performance.now() - run.startedAt : 0;
    if (!run.answered) {
      const error =
        run.stopReason ??
        deathFailure(exit, { started: run.started, memoryLimitMb: this.#options.memoryLimitMb });
      this.#settle(run, { ok: false, error, ms });
      this.#release(run);
      this.#running.delete(run);
    } else if (
      !run.fatal &&
      !run.strayed &&
      !child.stopping &&
      (exit.signal !== null || exit.exitCode !== 0)
    ) {
      // Its leftovers killed the child after it answered: never lost, never blamed on another task.
      const failure = exit.oom
        ? makeFailure(
            'oom',
            `after sending its result, the child process ran out of memory and ${describeExit(exit)}`,
            {
              name: 'OutOfMemoryError',
              ...statusOf(exit),
            },
          )
        : makeFailure('crashed', `after sending its result, the child process ${describeExit(exit)}`, {
            name: 'CrashError',
            ...statusOf(exit),
          });
      run.sink.stray(failure);
    }
    this.#forget(child);
  }

  #forget(child: ForkChild): void {
    this.#children.delete(child);
    if (this.#children.size === 0 && this.#drained) this.#drained();
  }

  #abort(run: Run, failure: TaskFailure): void {
    if (run.answered) return;
    const queued = this.#queue.indexOf(run);
    if (queued >= 0) this.#queue.splice(queued, 1);
    this.#settle(run, { ok: false, error: failure, ms: run.started ? performance.now() - run.startedAt : 0 });
    if (run.child) this.#stop(run, failure);
  }

  /** Kills the run's child; the slot settles with `reason` once the child is gone (if not before). */
  #stop(run: Run, reason: TaskFailure): void {
    if (run.stopReason || run.answered) return;
    run.stopReason = reason;
    if (run.timer) clearTimeout(run.timer);
    run.child?.stop(this.#options.killGraceMs);
  }

  #settle(run: Run, result: Result<unknown>): void {
    if (run.settled) return;
    run.settled = true;
    try {
      run.sink.settle(result);
    } catch (err) {
      process.stderr.write(`@isolane/fork: a job sink threw: ${String(err)}\n`);
    }
    // After the caller had its result (sink callbacks resolve promises: let them run first).
    if (run.refill !== undefined) setImmediate(() => this.#refill(run));
  }

  /** Frees the run's concurrency place and starts the next queued job. */
  #release(run: Run): void {
    if (!run.counted) return;
    run.counted = false;
    this.#active--;
    while (this.#active < this.#options.concurrency && this.#queue.length > 0 && !this.#closed) {
      this.#launch(this.#queue.shift()!);
    }
  }
}

function statusOf(exit: ChildExit): { exitCode?: number; signal?: string } {
  return {
    ...(exit.exitCode !== null ? { exitCode: exit.exitCode } : {}),
    ...(exit.signal !== null ? { signal: exit.signal } : {}),
  };
}

function closedFailure(): TaskFailure {
  return makeFailure('aborted', 'the fork driver was closed', { name: 'AbortError' });
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
  const own: ForkDriverOptions = {
    ...options,
    concurrency: settings.concurrency,
    ...(settings.bootstrap !== undefined ? { bootstrap: settings.bootstrap } : {}),
    ...(settings.memoryLimitMb !== undefined ? { memoryLimitMb: settings.memoryLimitMb } : {}),
  };
  for (const key of ['concurrency', 'bootstrap', 'memoryLimitMb'] as const) {
    if (key in options)
      throw new TypeError(`settings.options.${key} belongs to the driver settings, not its options`);
  }
  return new ForkDriver(own);
}
