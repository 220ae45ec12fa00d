/**
 * The cooperative driver: tasks run as async calls on the caller's event loop, at most `concurrency` at
 * once. No isolation at all — same heap, same process — but the same semantics as the other drivers:
 * arguments and results are snapshots, failures are data, the timeout fires the task's signal. It cannot
 * preempt synchronous code: a `while (true) {}` blocks the whole process.
 *
 * Its queue is hand-rolled rather than p-limit: a group per request is the common server pattern, and
 * p-limit spends five promises and an async function per call. A job with a free place starts on the next
 * microtask, a queued one when a place frees; either way in the async context of the `go()` that made it
 * (the promise that starts it is made there), as with p-limit.
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
  type Job,
  type JobHandle,
  type JobSink,
  type TaskFailure,
} from '@isolane/core/driver-kit';
import { createRuntime, type Runtime } from '@isolane/core/runtime';
import { CooperativeJob, type JobHost } from './cooperative-job.js';

/** Options of the cooperative driver (it has no driver-specific options). */
export type CooperativeDriverOptions = Pick<
  DriverSettings,
  'concurrency' | 'bootstrap' | 'bootstrapTimeout' | 'options'
> & {
  /** Checked like every driver's (driver-kit's rule), but not enforced: tasks share the caller's heap. */
  readonly memoryLimitMb?: number | undefined;
};

const NO_HANDLE: JobHandle = { abort() {} };
const RESOLVED = Promise.resolve();

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
  readonly #concurrency: number;
  readonly #host: JobHost;
  /** Jobs holding a place. */
  #placed = 0;
  /** Jobs waiting for a place, oldest first from `#head` (settled ones are skipped). */
  #queue: CooperativeJob[] = [];
  #head = 0;
  /** Every job not settled yet, waiting or running: close() settles each with the closed failure. */
  readonly #open = new Set<CooperativeJob>();
  #nextId = 1;
  #closed = false;
  readonly #bootstrap: string | undefined;
  readonly #bootstrapTimeout: number;
  /** Resolves once the bootstrap has settled, or with the deadline's failure (undefined: not asked yet). */
  #bootGate: Promise<TaskFailure | undefined> | undefined;
  /** The bootstrap has settled (loaded or failed), or there is none: tasks run at once. */
  #booted = false;

  constructor(settings: CooperativeDriverOptions) {
    // The same rules as every driver (driver-kit's checkers), so a value means the same everywhere.
    this.#concurrency = checkConcurrency(settings.concurrency, 'cooperative driver: "concurrency"');
    const bootstrap =
      settings.bootstrap === undefined
        ? undefined
        : checkModuleHref(settings.bootstrap, 'cooperative driver: "bootstrap"');
    this.#bootstrap = bootstrap;
    this.#booted = bootstrap === undefined;
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
    const runtime: Runtime = createRuntime({ bootstrap });
    this.#host = { runtime, settled: (job) => this.#settled(job) };
  }

  start(job: Job, sink: JobSink): JobHandle {
    if (this.#closed) {
      sink.settle({ ok: false, error: closedFailure(this.name), ms: 0 });
      return NO_HANDLE;
    }
    const j = new CooperativeJob(this.#host, this.#nextId++, job, sink);
    this.#open.add(j);
    if (this.#placed < this.#concurrency && this.#head === this.#queue.length) {
      this.#place(j);
      // Started from a promise made here: the task runs in the async context of its go().
      RESOLVED.then(() => this.#begin(j));
    } else {
      // The same for a job that waits: the promise that starts it is made now, resolved when it gets a place.
      new Promise<void>((resolve) => {
        j.wake = resolve;
      }).then(() => this.#begin(j));
      this.#queue.push(j);
    }
    return j;
  }

  #place(j: CooperativeJob): void {
    this.#placed++;
    j.placed = true;
  }

  /** A job has settled: if it held a place, the oldest job still waiting takes it. */
  #settled(j: CooperativeJob): void {
    this.#open.delete(j);
    if (!j.placed) return;
    j.placed = false;
    this.#placed--;
    if (this.#closed) return;
    while (this.#placed < this.#concurrency && this.#head < this.#queue.length) {
      const next = this.#take();
      if (next.settled) continue;
      this.#place(next);
      const wake = next.wake!;
      next.wake = undefined;
      wake();
    }
  }

  /** The oldest job in the queue, taken out of it. */
  #take(): CooperativeJob {
    const queue = this.#queue;
    const next = queue[this.#head]!;
    queue[this.#head++] = undefined as unknown as CooperativeJob;
    if (this.#head === queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= queue.length) {
      this.#queue = queue.slice(this.#head);
      this.#head = 0;
    }
    return next;
  }

  /** A placed job starts: at once, or once the bootstrap has settled. */
  #begin(j: CooperativeJob): void {
    if (j.settled) return;
    if (this.#booted) {
      j.run();
      return;
    }
    this.#awaitBootstrap().then((failure) => {
      if (failure === undefined) j.run();
      else j.finish({ ok: false, error: failure, ms: 0 });
    });
  }

  /**
   * Waits for the bootstrap, for at most `bootstrapTimeout` from the first task that waited for it:
   * undefined once it has settled, the deadline's failure past it. In-process code cannot be stopped,
   * so a bootstrap past its deadline fails every task that waits for it, then and later (until it
   * settles, if ever).
   */
  #awaitBootstrap(): Promise<TaskFailure | undefined> {
    const bootstrap = this.#bootstrap!;
    if (this.#bootGate === undefined) {
      const ready = this.#host.runtime.ready().then(() => {
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
    const closed = closedFailure(this.name);
    const open = [...this.#open];
    this.#open.clear();
    this.#queue = [];
    this.#head = 0;
    // Waiting jobs first, then the running ones: their slots settle as closed and their signals fire.
    for (const j of open) if (!j.placed) j.abort(closed);
    for (const j of open) j.abort(closed);
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
