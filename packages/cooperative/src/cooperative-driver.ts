/**
 * The cooperative driver: tasks run as async calls on the caller's event loop, at most `concurrency` at
 * once (p-limit). No isolation at all — same heap, same process — but the same semantics as the other
 * drivers: arguments and results are snapshots, failures are data, the timeout fires the task's signal.
 * It cannot preempt synchronous code: a `while (true) {}` blocks the whole process.
 */
import {
  bootstrapTimeoutFailure,
  checkBootstrapTimeout,
  checkConcurrency,
  checkMemoryLimit,
  checkModuleHref,
  closedFailure,
  DEFAULT_BOOTSTRAP_TIMEOUT_MS,
  type Driver,
  type DriverSettings,
  endProcessTree,
  type Job,
  type JobHandle,
  type JobSink,
  makeFailure,
  newTreeMarker,
  type Result,
  type TaskFailure,
  timeoutFailure,
} from '@isolane/core/driver-kit';
import { createRuntime, type Runtime, runInProcessTree } from '@isolane/core/runtime';
import pLimit, { type LimitFunction } from 'p-limit';

/** Options of the cooperative driver (it has no driver-specific options). */
export type CooperativeDriverOptions = Pick<
  DriverSettings,
  'concurrency' | 'bootstrap' | 'bootstrapTimeout' | 'options'
> & {
  /** Checked like every driver's (driver-kit's rule), but not enforced: tasks share the caller's heap. */
  readonly memoryLimitMb?: number | undefined;
};

/**
 * Runs tasks on the current event loop.
 *
 * @example
 * ```ts
 * const driver = new CooperativeDriver({ concurrency: 4 });
 * await using wg = new WaitGroup({ driver });
 * wg.go(async (ms: number) => { await new Promise((r) => setTimeout(r, ms)); return ms; }, 10);
 * await wg.wait();
 * await driver.close();
 * ```
 */
export class CooperativeDriver implements Driver {
  readonly name = 'cooperative';
  readonly #limit: LimitFunction;
  readonly #runtime: Runtime;
  readonly #running = new Set<() => void>();
  /** Jobs waiting for a place: each fails with the closed failure if the driver closes first. */
  readonly #waiting = new Set<(failure: TaskFailure) => void>();
  /** Every job not settled yet, waiting or running: close() settles each with the closed failure. */
  readonly #open = new Set<(failure: TaskFailure) => void>();
  #nextId = 1;
  #closed = false;
  readonly #bootstrap: string | undefined;
  readonly #bootstrapTimeout: number;
  /** Resolves once the bootstrap has settled, or with the deadline's failure (undefined: not asked yet). */
  #bootGate: Promise<TaskFailure | undefined> | undefined;
  /** The bootstrap has settled (loaded or failed): tasks run, and the run reports a failed one. */
  #booted = false;

  constructor(settings: CooperativeDriverOptions) {
    // The same rules as every driver (driver-kit's checkers), so a value means the same everywhere.
    const concurrency = checkConcurrency(settings.concurrency, 'cooperative driver: "concurrency"');
    const bootstrap =
      settings.bootstrap === undefined
        ? undefined
        : checkModuleHref(settings.bootstrap, 'cooperative driver: "bootstrap"');
    this.#bootstrap = bootstrap;
    this.#bootstrapTimeout =
      settings.bootstrapTimeout === undefined
        ? DEFAULT_BOOTSTRAP_TIMEOUT_MS
        : checkBootstrapTimeout(settings.bootstrapTimeout, 'cooperative driver: "bootstrapTimeout"');
    if (settings.memoryLimitMb !== undefined) {
      checkMemoryLimit(settings.memoryLimitMb, 'cooperative driver: "memoryLimitMb"');
    }
    const unknown = Object.keys(settings.options ?? {});
    if (unknown.length > 0) {
      throw new TypeError(
        `cooperative driver: unknown driver option "${unknown[0]}" (the cooperative driver has no driver-specific options)`,
      );
    }
    this.#limit = pLimit(concurrency);
    this.#runtime = createRuntime({ bootstrap });
  }

  start(job: Job, sink: JobSink): JobHandle {
    let settled = false;
    let controller: AbortController | undefined;
    let release: (() => void) | undefined;
    let startedAt = 0;
    /** The `ISOLANE_TREE` marker of the processes the task starts, and whether its run has returned. */
    let tree: string | undefined;
    let returned = false;
    const finish = (result: Result<unknown>): void => {
      if (settled) return;
      settled = true;
      // Settled while it still runs (timeout, abort, close): the processes it started go now.
      if (tree !== undefined && !returned) endProcessTree(tree);
      this.#waiting.delete(failQueued);
      this.#open.delete(stop);
      sink.settle(result);
      // Free the concurrency slot now: work that ignores its signal must not starve the queue.
      release?.();
    };
    const failQueued = (failure: TaskFailure): void => finish({ ok: false, error: failure, ms: 0 });
    // Settles the job (waiting or running) and fires a running task's signal.
    const stop = (failure: TaskFailure): void => {
      finish({ ok: false, error: failure, ms: startedAt ? performance.now() - startedAt : 0 });
      controller?.abort(failure);
    };
    if (this.#closed) {
      finish({ ok: false, error: closedFailure(this.name), ms: 0 });
      return { abort() {} };
    }
    this.#waiting.add(failQueued);
    this.#open.add(stop);
    const id = this.#nextId++;
    // The task itself, once the bootstrap has settled: its timeout counts from here.
    const run = (): void => {
      const resolve = release!;
      if (settled) {
        this.#running.delete(resolve);
        resolve();
        return;
      }
      controller = new AbortController();
      startedAt = performance.now();
      let timer: NodeJS.Timeout | undefined;
      if (job.timeout) {
        timer = setTimeout(() => {
          const failure = timeoutFailure(job.timeout ?? 0);
          finish({ ok: false, error: failure, ms: performance.now() - startedAt });
          controller?.abort(failure);
        }, job.timeout);
      }
      const { signal } = controller;
      tree = newTreeMarker();
      runInProcessTree(tree, () => this.#runtime.run(job.task, job.args, { id, signal })).then((result) => {
        returned = true;
        if (timer) clearTimeout(timer);
        this.#running.delete(resolve);
        finish(snapshotResult(result));
        resolve();
      });
    };
    void this.#limit(
      () =>
        new Promise<void>((resolve) => {
          if (settled) return resolve();
          this.#waiting.delete(failQueued);
          release = resolve;
          this.#running.add(resolve);
          const gate = this.#booted ? undefined : this.#awaitBootstrap();
          if (gate === undefined) return run();
          gate.then((failure) => {
            if (failure === undefined) return run();
            this.#running.delete(resolve);
            finish({ ok: false, error: failure, ms: 0 });
            resolve();
          });
        }),
    );
    return { abort: stop };
  }

  /**
   * Waits for the bootstrap, for at most `bootstrapTimeout` from the first task that waited for it:
   * undefined once it has settled, the deadline's failure past it. In-process code cannot be stopped,
   * so a bootstrap past its deadline fails every task that waits for it, then and later (until it
   * settles, if ever).
   */
  #awaitBootstrap(): Promise<TaskFailure | undefined> | undefined {
    const bootstrap = this.#bootstrap;
    if (bootstrap === undefined) {
      this.#booted = true;
      return undefined;
    }
    if (this.#bootGate === undefined) {
      const ready = this.#runtime.ready().then(() => {
        this.#booted = true;
        return undefined;
      });
      const ms = this.#bootstrapTimeout;
      if (!Number.isFinite(ms)) this.#bootGate = ready;
      else {
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<TaskFailure>((resolve) => {
          timer = setTimeout(() => resolve(bootstrapTimeoutFailure(bootstrap, ms)), ms);
        });
        void ready.then(() => clearTimeout(timer));
        this.#bootGate = Promise.race([ready, deadline]);
      }
    }
    return this.#bootGate;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#limit.clearQueue();
    const closed = closedFailure(this.name);
    for (const fail of [...this.#waiting]) fail(closed);
    this.#waiting.clear();
    // Running jobs too: their slots settle as closed and their signals fire (each frees its place).
    for (const stopJob of [...this.#open]) stopJob(closed);
    this.#open.clear();
    for (const release of this.#running) release();
    this.#running.clear();
  }
}

/** Results are snapshots too: the caller never shares an object with the task. */
function snapshotResult(result: Result<unknown>): Result<unknown> {
  if (!result.ok) return result;
  const v = result.value;
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return result;
  try {
    return { ok: true, value: structuredClone(v), ms: result.ms };
  } catch (err) {
    return {
      ok: false,
      error: makeFailure('unserializable', `the result cannot be cloned: ${(err as Error).message}`),
      ms: result.ms,
    };
  }
}

/**
 * Factory used when a WaitGroup names `driver: 'cooperative'`.
 *
 * @example
 * ```ts
 * const driver = createDriver({ concurrency: 8 });
 * ```
 */
export function createDriver(settings: DriverSettings): Driver {
  return new CooperativeDriver(settings);
}
