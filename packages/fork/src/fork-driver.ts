/**
 * The fork driver: every task gets a fresh Node child process, so a task that exits, crashes, leaks,
 * runs out of memory or loops forever takes down nothing but its own process. Core's
 * `PerTaskScheduler` enforces the group's concurrency (queueing beyond it), keeps `prespawn` children
 * booted ahead of demand and closes; each task's child (spawn, timeout, result, death, lingering) is a
 * {@link TaskProcess}.
 */

import { fileURLToPath } from 'node:url';
import {
  ChildGrants,
  type Driver,
  type DriverSettings,
  type Job,
  type JobHandle,
  type JobSink,
  PerTaskScheduler,
  type Result,
  refuseMovedPorts,
  type SubmittedJob,
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
  /** Queue, concurrency gate, prespawned children (replaced after `FILL_DELAY_MS`), closing. */
  readonly #scheduler: PerTaskScheduler<TaskProcess>;

  constructor(options: ForkDriverOptions = {}) {
    const resolved = resolveForkOptions(options);
    this.#options = resolved;
    const nodeFlags = childNodeFlags(process.execArgv, resolved.memoryLimitMb);
    const { permissions, bootstrap } = resolved;
    this.#processOptions = {
      ...resolved,
      nodeFlags,
      grants:
        permissions &&
        new ChildGrants(permissions, bootstrap, nodeFlags, { driver: 'fork', entryRoot: FORK_ROOT }),
      onRelease: () => this.#scheduler.release(),
      onExit: (runner) => this.#scheduler.forget(runner),
    };
    const processOptions = this.#processOptions;
    this.#scheduler = new PerTaskScheduler<TaskProcess>({
      driver: this.name,
      concurrency: resolved.concurrency,
      prespawn: resolved.prespawn,
      warmModules: WARM_MODULES,
      // Replace the prespawned child a job took, but not while a result is due: a spawn blocks this
      // thread for milliseconds. When a job's place frees up, or after a short while if it runs long.
      refillDelayMs: FILL_DELAY_MS,
      spawn: (submitted, warm) =>
        new TaskProcess(processOptions, submitted, resolved.warmModules ? warm : undefined),
      spawnFailure: (err) => spawnFailure((err as Error).message),
      // Under `permissions`, a prespawned child only runs a task whose module it may read.
      pickIdle: processOptions.grants ? (idle, task) => ChildGrants.pick(idle, task) : undefined,
      settle,
      // Closing waits for every child to be gone, so they keep this process alive until then.
      stop: (runner, failure) => runner.close(failure),
    });
  }

  /** The validated options this driver runs with. */
  get options(): ResolvedForkOptions {
    return this.#options;
  }

  /** Live child processes (running, idle prespawned, lingering or being stopped). */
  get childCount(): number {
    return this.#scheduler.runnerCount;
  }

  start(job: Job, sink: JobSink): ForkJobHandle {
    // A child process cannot receive a MessagePort (transfer(port)): say so by name.
    const refused = refuseMovedPorts(job, this.name);
    if (refused !== undefined) {
      sink.settle({ ok: false, error: refused, ms: 0 });
      return { id: -1, abort() {} };
    }
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

function settle(submitted: SubmittedJob, result: Result<unknown>): void {
  try {
    submitted.sink.settle(result);
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
  for (const key of [
    'concurrency',
    'bootstrap',
    'bootstrapTimeout',
    'memoryLimitMb',
    'maxResultMb',
  ] as const) {
    if (key in options)
      throw new TypeError(`settings.options.${key} belongs to the driver settings, not its options`);
  }
  const { concurrency, bootstrap, memoryLimitMb, bootstrapTimeout, maxResultMb } = settings;
  return new ForkDriver({
    ...options,
    concurrency,
    bootstrap,
    memoryLimitMb,
    ...(maxResultMb !== undefined ? { maxResultMb } : {}),
    ...(bootstrapTimeout !== undefined ? { bootstrapTimeout } : {}),
  });
}
