/**
 * The pool driver: warm worker threads that run many tasks each. It is built for speed first — jobs
 * travel as flat arrays, several per message when the queue is deep, each worker keeps a short pipeline
 * so it never idles between tasks, a lone task is sent at once — and for containment second, without
 * giving the first away: every death, timeout and abort is reconciled against a counter the worker
 * writes into shared memory before each task starts, so exactly the task that was running is blamed and
 * the ones queued behind it are moved to another worker, never run twice.
 *
 * This file schedules: which worker gets which jobs, and when workers start, retire and are replaced.
 * Each worker keeps its own books and deadlines (worker-state.ts); a death is reconciled in
 * worker-death.ts (start-failures.ts when it was not ready yet), late errors are routed in
 * late-errors.ts, task specs numbered in task-specs.ts, pipelines sized in pipeline-depth.ts; the
 * factory behind `driver: 'pool'` is in create-driver.ts.
 */
import { availableParallelism } from 'node:os';
import {
  closedFailure,
  type Driver,
  type Job,
  type JobHandle,
  JobQueue,
  type JobSink,
  refuseMovedPorts,
  type TaskFailure,
} from '@isolane/core/driver-kit';
import { FROM_WORKER_FRAME } from './channel-protocol.js';
import { IdleReaper } from './idle-reaper.js';
import { LateErrors } from './late-errors.js';
import type { FromWorker } from './messages.js';
import { type PoolDriverOptions, type ResolvedPoolOptions, resolvePoolOptions } from './options.js';
import { PipelineDepth } from './pipeline-depth.js';
import { JOB_DONE, JOB_SENT, type JobOwner, PoolJob } from './pool-job.js';
import { PoolGrants } from './process-grants.js';
import {
  FROM_WORKER_BOUNCED,
  FROM_WORKER_EXITING,
  FROM_WORKER_FAIL,
  FROM_WORKER_FAIL_RUNNING,
  FROM_WORKER_OK,
  FROM_WORKER_READY,
  FROM_WORKER_RETIRE,
  FROM_WORKER_SKIPPED,
  FROM_WORKER_STRAY,
} from './protocol.js';
import { sendJobs } from './send-jobs.js';
import { spawnWorker } from './spawn-worker.js';
import { StartFailures } from './start-failures.js';
import { frameFromWorker } from './task-channel.js';
import { TaskSpecTable } from './task-specs.js';
import { reconcileDeath } from './worker-death.js';
import type { WorkerEvents, WorkerState } from './worker-state.js';

const NOOP_HANDLE: JobHandle = { abort() {} };

/**
 * Runs tasks on warm, reusable worker threads.
 *
 * State that one task leaves in a worker's globals can be seen by a later task that lands on the same
 * worker; `maxTasksPerWorker: 1` gives every task a fresh isolate instead.
 *
 * @example
 * ```ts
 * import { WaitGroup } from '@isolane/core';
 * import { PoolDriver } from '@isolane/pool';
 * const driver = new PoolDriver({ concurrency: 4, maxTasksPerWorker: 10_000 });
 * const wg = new WaitGroup({ driver, timeout: 5_000 });
 * for (let i = 0; i < 1_000; i++) wg.go((n: number) => n * n, i);
 * const results = await wg.wait();
 * await driver.close();
 * ```
 */
export class PoolDriver implements Driver {
  readonly name = 'pool';
  readonly #options: ResolvedPoolOptions;
  readonly #queue = new JobQueue<PoolJob>();
  readonly #workers: WorkerState[] = [];
  readonly #specs: TaskSpecTable;
  readonly #lateErrors = new LateErrors();
  readonly #reaper: IdleReaper;
  /** Process runtime with `permissions`: what each worker process may read. */
  readonly #grants: PoolGrants | undefined;
  readonly #pipeline = new PipelineDepth();
  #nextId = 0;
  #flushQueued = false;
  /** Set by close() before anything settles, so a sink that starts work from a settle sees it closed. */
  #closed = false;
  #closing: Promise<void> | undefined;
  /** Workers that died before they were ready (start-failures.ts). */
  readonly #starts = new StartFailures();
  readonly #owner: JobOwner = { abortJob: (j, failure) => this.#abortJob(j, failure) };
  readonly #events: WorkerEvents = {
    onMessage: (w, message) => this.#onMessage(w, message),
    onExit: (w, code) => this.#onExit(w, code),
    onStopping: () => this.#replace(),
  };
  readonly #flush = (): void => {
    this.#flushQueued = false;
    this.#dispatch();
  };
  readonly #replaceSoon = (): void => this.#replace();

  constructor(options: PoolDriverOptions = {}) {
    const o = resolvePoolOptions(options, availableParallelism());
    this.#options = o;
    const grants =
      o.permissions !== undefined && o.runtime === 'process' ? new PoolGrants(o.permissions, o) : undefined;
    this.#grants = grants;
    // A worker process that may not read a new task module must not be given it: it is replaced.
    this.#specs = new TaskSpecTable(
      grants === undefined
        ? undefined
        : (spec) => {
            for (const w of grants.see(spec, this.#workers)) this.#retire(w, true);
          },
    );
    this.#reaper = new IdleReaper(o.idleTimeout, this.#workers, (w) => this.#retire(w, false));
  }

  /** The number of workers (and of tasks running at once). */
  get concurrency(): number {
    return this.#options.concurrency;
  }

  /** Live workers, threads or processes (starting, serving or retiring). */
  get threads(): number {
    let n = 0;
    for (const w of this.#workers) if (!w.dead) n++;
    return n;
  }

  start(job: Job, sink: JobSink): JobHandle {
    if (this.#closed) {
      sink.settle({ ok: false, error: closedFailure(this.name), ms: 0 });
      return NOOP_HANDLE;
    }
    // A worker process cannot receive a MessagePort (transfer(port)): say so by name.
    const refused =
      this.#options.runtime === 'process' ? refuseMovedPorts(job, "pool (runtime 'process')") : undefined;
    if (refused !== undefined) {
      sink.settle({ ok: false, error: refused, ms: 0 });
      return NOOP_HANDLE;
    }
    const j = new PoolJob(
      this.#owner,
      this.#nextId++,
      this.#specs.refOf(job.task),
      job.args,
      job.transfer !== undefined && job.transfer.length > 0 ? job.transfer : undefined,
      job.timeout !== undefined && job.timeout > 0 ? job.timeout : 0,
      sink,
    );
    this.#queue.push(j);
    if (!this.#flushQueued) {
      // A lone task goes out now, to an idle worker; tasks that arrive while every worker is busy are
      // gathered until the caller yields and then sent as batches.
      const idle = this.#queue.length === 1 ? this.#idleWorker() : undefined;
      if (idle !== undefined) this.#send(idle, 1);
      else {
        this.#flushQueued = true;
        queueMicrotask(this.#flush);
      }
    }
    return j;
  }

  #abortJob(j: PoolJob, failure: TaskFailure): void {
    const w = j.worker;
    // A queued job settles now and is skipped when its turn comes; a sent one is its worker's business.
    if (j.state === JOB_SENT && w !== undefined) w.abort(j, failure);
    else j.fail(failure, 0);
  }

  /**
   * Retires every worker — each finishes the jobs it was sent, takes no more, and is replaced — so the
   * next jobs run in workers started now, with the current `process.env` (a worker keeps the
   * environment it was started with). Nothing fails.
   *
   * @example
   * ```ts
   * process.env.API_TOKEN = rotated;
   * driver.recycle(); // the next tasks read the new token
   * ```
   */
  recycle(): void {
    if (this.#closed) return;
    for (const w of [...this.#workers]) if (w.live) this.#retire(w, true);
  }

  close(): Promise<void> {
    if (this.#closing === undefined) {
      this.#closed = true;
      this.#closing = this.#shutdown();
    }
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    const failure = closedFailure(this.name);
    for (const j of this.#queue.drain()) j.fail(failure, 0);
    this.#reaper.stop();
    const workers = [...this.#workers];
    for (const w of workers) for (let i = 0; i < w.inflight.length; i++) w.inflight.at(i)!.fail(failure, 0);
    // stop(), not terminate(): close() waits for the threads to be gone, so the process must wait too.
    await Promise.all(workers.map((w) => w.stop()));
  }

  // ---- dispatch ----

  #idleWorker(): WorkerState | undefined {
    let busy = 0;
    let idle: WorkerState | undefined;
    for (const w of this.#workers) {
      if (w.inflight.length > 0 && !w.dead) busy++;
      else if (idle === undefined && w.usable && w.inflight.length === 0) idle = w;
    }
    return busy < this.#options.concurrency ? idle : undefined;
  }

  #dispatch(): void {
    const queue = this.#queue;
    if (queue.length === 0 || this.#closed) return;
    const depth = this.#pipeline.depth();
    const concurrency = this.#options.concurrency;
    let busy = 0;
    let serving = 0;
    for (const w of this.#workers) {
      if (w.inflight.length > 0 && !w.dead) busy++;
      if (w.usable) serving++;
    }
    // A burst is shared fairly among all the workers the pool will have (those not started yet too), so a
    // stale "tasks are tiny" average never piles long tasks onto the one worker that happens to exist.
    const fair = Math.ceil(queue.length / concurrency);
    for (const w of this.#workers) {
      if (queue.length === 0 || busy >= concurrency) break;
      if (!w.usable || w.inflight.length > 0) continue;
      if (this.#send(w, Math.min(depth, fair)) > 0) busy++;
    }
    // Then, once every worker the pool may have is serving, top up the pipelines that have drained to
    // half (before that, waiting work belongs to the workers still to come).
    if (queue.length > 0 && depth > 1 && serving >= concurrency) {
      for (const w of this.#workers) {
        if (queue.length === 0) break;
        const n = w.inflight.length;
        if (w.usable && n > 0 && n * 2 <= depth) this.#send(w, Math.min(depth - n, fair));
      }
    }
    if (queue.length > 0) this.#grow();
  }

  /** Starts workers for waiting jobs, up to the concurrency. */
  #grow(): void {
    let live = 0;
    let starting = 0;
    for (const w of this.#workers) {
      if (!w.live) continue;
      live++;
      if (!w.ready) {
        starting++;
        w.busy(); // work is waiting for it: it keeps the process alive until it is ready
      }
    }
    // Workers keep dying before they are ready while another one serves: let that one serve.
    if (this.#starts.holdGrowth(live)) return;
    let waiting = this.#queue.length - starting;
    while (live < this.#options.concurrency && waiting > 0) {
      this.#spawn(true);
      live++;
      waiting--;
    }
  }

  #spawn(keepAlive: boolean): void {
    const start = { keepAlive, preload: this.#specs.recentModules() };
    const w = spawnWorker(this.#options, start, this.#grants, this.#events);
    w.jobsBefore = this.#nextId;
    w.watchBoot(this.#options.bootstrapTimeout);
    w.watchStarts(this.#options.lingerMs);
    this.#workers.push(w);
  }

  /** Sends up to `max` queued jobs to `w` in one message; returns how many went. */
  #send(w: WorkerState, max: number): number {
    const maxTasks = this.#options.maxTasksPerWorker;
    const count = sendJobs(w, this.#queue, Math.min(max, maxTasks - w.sent), this.#specs);
    if (w.sent >= maxTasks) this.#retire(w, true);
    return count;
  }

  // ---- worker events ----

  #onMessage(w: WorkerState, message: FromWorker): void {
    const now = performance.now();
    let bounced: PoolJob[] | undefined;
    let m: FromWorker | undefined = message;
    while (m !== undefined) {
      switch (m[0]) {
        case FROM_WORKER_OK:
        case FROM_WORKER_FAIL: {
          const j = w.answered(m[1], now);
          if (j !== undefined) {
            const ms = m[3];
            this.#pipeline.record(ms);
            if (j.state !== JOB_DONE) {
              this.#lateErrors.remember(j);
              j.settle(
                m[0] === FROM_WORKER_OK ? { ok: true, value: m[2], ms } : { ok: false, error: m[2], ms },
              );
            }
          }
          break;
        }
        case FROM_WORKER_SKIPPED:
          w.answered(m[1], now);
          break;
        case FROM_WORKER_BOUNCED: {
          const j = w.answered(m[1], now);
          if (j === undefined || j.state === JOB_DONE) break;
          if (bounced === undefined) bounced = [j];
          else bounced.push(j);
          break;
        }
        case FROM_WORKER_READY:
          w.markReady();
          this.#starts.ready();
          break;
        case FROM_WORKER_FAIL_RUNNING:
          if (!w.failRunning(m[1], m[2], now)) this.#lateErrors.report(w.lastId, m[1], m[2]);
          break;
        case FROM_WORKER_STRAY:
          this.#lateErrors.report(w.lastId, m[1], m[2]);
          break;
        case FROM_WORKER_RETIRE:
          this.#retire(w, true);
          break;
        case FROM_WORKER_EXITING:
          w.noteExit(m[1], m[2]);
          break;
        case FROM_WORKER_FRAME:
          frameFromWorker(w, m, now);
          break;
      }
      // What else has arrived is taken now, so a batch's answers are settled before the worker counts
      // as idle; with nothing left in flight (a lone job answered) anything more comes as its own event.
      m = w.inflight.length > 0 ? w.receive() : undefined;
    }
    if (bounced !== undefined) this.#requeue(bounced);
    if (w.inflight.length === 0 && !w.dead) {
      w.idle(now);
      if (w.retiring && !w.dying) this.#drained(w);
      else if (w.usable) this.#reaper.arm(w);
    }
    if (this.#queue.length > 0 && !this.#flushQueued) this.#dispatch();
  }

  #onExit(w: WorkerState, code: number): void {
    const index = this.#workers.indexOf(w);
    if (index >= 0) this.#workers.splice(index, 1);
    const retry = reconcileDeath(w, code, this.#options.memoryLimitMb, this.#lateErrors);
    if (!this.#closed) this.#starts.exited(w, code, this.#queue, this.#workers, this.#options);
    this.#requeue(retry);
    if (!this.#closed) this.#dispatch();
  }

  /** Jobs a worker never started go back to the front of the queue, in order. */
  #requeue(jobs: PoolJob[]): void {
    if (jobs.length === 0) return;
    for (const j of jobs) j.requeued();
    this.#queue.unshiftAll(jobs);
  }

  // ---- recycling ----

  /** `w` takes nothing more; it is terminated once its jobs in flight are answered. */
  #retire(w: WorkerState, replace: boolean): void {
    // With work waiting the successor starts now. Otherwise it starts once `w` is done: starting a
    // thread blocks this thread for about a millisecond, which the answer in flight should not wait for.
    const successor = replace && !this.#closed;
    const now = successor && this.#queue.length > 0;
    if (!w.retire(successor && !now)) return;
    if (now) this.#replace();
    if (w.inflight.length === 0) this.#drained(w);
  }

  /** A retiring worker answered its last job: it goes, and its successor (if due) starts soon. */
  #drained(w: WorkerState): void {
    if (w.windDown()) setImmediate(this.#replaceSoon);
  }

  /** Keeps the pool at the size it had: a replacement starts while the old worker winds down. */
  #replace(): void {
    if (this.#closed) return;
    let live = 0;
    for (const w of this.#workers) if (w.live) live++;
    if (live < this.#options.concurrency) this.#spawn(this.#queue.length > 0);
  }
}
