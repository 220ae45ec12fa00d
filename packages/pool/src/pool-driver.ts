/**
 * The pool driver: warm worker threads that run many tasks each. It is built for speed first — jobs
 * travel as flat arrays, several per message when the queue is deep, each worker keeps a short pipeline
 * so it never idles between tasks, a lone task is sent at once — and for containment second, without
 * giving the first away: every death, timeout and abort is reconciled against a counter the worker
 * writes into shared memory before each task starts, so exactly the task that was running is blamed and
 * the ones queued behind it are moved to another worker, never run twice.
 */
import { availableParallelism } from 'node:os';
import type { TransferListItem } from 'node:worker_threads';
import {
  type Driver,
  type DriverSettings,
  type Job,
  type JobHandle,
  type JobSink,
  makeFailure,
  type TaskFailure,
  type TaskSpec,
  toFailure,
} from '@isolane/core';
import { Deque } from './deque.js';
import {
  type PoolDriverOptions,
  poolOptionsFromSettings,
  type ResolvedPoolOptions,
  resolvePoolOptions,
} from './options.js';
import { JOB_DONE, JOB_QUEUED, JOB_SENT, type JobOwner, PoolJob } from './pool-job.js';
import { PoolWorker } from './pool-worker.js';
import { PoolGrants } from './process-grants.js';
import { ProcessWorker } from './process-worker.js';
import {
  FROM_WORKER_BOOTED,
  FROM_WORKER_BOUNCED,
  FROM_WORKER_EXITING,
  FROM_WORKER_FAIL,
  FROM_WORKER_FAIL_RUNNING,
  FROM_WORKER_OK,
  FROM_WORKER_READY,
  FROM_WORKER_RETIRE,
  FROM_WORKER_SKIPPED,
  FROM_WORKER_STRAY,
  type SpecIntro,
  TO_WORKER_CANCEL,
  TO_WORKER_JOBS,
  TO_WORKER_WARM,
} from './protocol.js';
import type { WorkerEvents, WorkerState } from './worker-state.js';

/** How much work (ms, by the running average) a worker's pipeline may hold. */
const PIPELINE_MS = 2;
/** Most jobs in flight on one worker (also the largest batch). */
const MAX_DEPTH = 256;
/** How many settled jobs are remembered, so a late error can still reach its own group. */
const ROUTES = 4096;
/** How many task modules a new worker loads before it is ready (the most recently first used). */
const PRELOAD = 16;
/** How long an aborted job may stay at the head of a worker before the worker is stopped. */
const ABORT_GRACE_MS = 50;

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
  readonly #queue = new Deque<PoolJob>();
  readonly #workers: WorkerState[] = [];
  readonly #specRefs = new WeakMap<TaskSpec, number>();
  readonly #specKeys = new Map<string, number>();
  readonly #specs: TaskSpec[] = [];
  /** Module URLs of the tasks seen so far, most recent last (at most PRELOAD). */
  readonly #modules: string[] = [];
  /** Process runtime with `permissions`: what each worker process may read. */
  readonly #grants: PoolGrants | undefined;
  readonly #routeSinks: (JobSink | undefined)[] = new Array(ROUTES);
  readonly #routeIds: number[] = new Array(ROUTES).fill(-1);
  #nextId = 0;
  /** Running average of task run time (ms), -1 until the first result. */
  #avgMs = -1;
  #flushQueued = false;
  #reaper: NodeJS.Timeout | undefined;
  /** Set by close() before anything settles, so a sink that starts work from a settle sees it closed. */
  #closed = false;
  #closing: Promise<void> | undefined;
  /** Workers that died before they were ready, in a row. */
  #startFailures = 0;
  readonly #owner: JobOwner = { abortJob: (j, failure) => this.#abortJob(j, failure) };
  readonly #events: WorkerEvents = {
    onMessage: (w, message) => this.#onMessage(w, message),
    onExit: (w, code) => this.#onExit(w, code),
  };
  readonly #flush = (): void => {
    this.#flushQueued = false;
    this.#dispatch();
  };
  readonly #onDeadline = (worker: WorkerState): void => this.#deadlineReached(worker);
  readonly #reap = (): void => this.#reapIdle();
  readonly #replaceSoon = (): void => this.#replace();

  constructor(options: PoolDriverOptions = {}) {
    this.#options = resolvePoolOptions(options, availableParallelism());
    const { permissions, runtime } = this.#options;
    this.#grants =
      permissions !== undefined && runtime === 'process'
        ? new PoolGrants(permissions, this.#options)
        : undefined;
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
      sink.settle({ ok: false, error: closedFailure(), ms: 0 });
      return NOOP_HANDLE;
    }
    const j = new PoolJob(
      this.#owner,
      this.#nextId++,
      this.#refOf(job.task),
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
    if (j.state === JOB_DONE) return;
    const was = j.state;
    j.state = JOB_DONE;
    const w = j.worker;
    const head = was === JOB_SENT && w !== undefined && w.inflight.peek() === j;
    const now = performance.now();
    j.sink.settle({ ok: false, error: failure, ms: head ? now - w.headSince : 0 });
    if (was !== JOB_SENT || w === undefined || w.dying || w.dead) return; // a queued job is skipped later
    const started = w.startedCount();
    if (started > j.seq) return; // it already finished; its answer will be ignored
    if (head && started === j.seq) {
      this.#stopFor(w, j); // it is running: stop the work, not just the waiting
      return;
    }
    // Not started yet: the worker skips it. Should it be stuck before it, the grace deadline stops it.
    w.post([TO_WORKER_CANCEL, j.id]);
    if (head) this.#armDeadline(w, now + ABORT_GRACE_MS, now);
  }

  close(): Promise<void> {
    if (this.#closing === undefined) {
      this.#closed = true;
      this.#closing = this.#shutdown();
    }
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    const failure = closedFailure();
    for (const j of this.#queue.drain()) this.#fail(j, failure, 0);
    if (this.#reaper !== undefined) clearTimeout(this.#reaper);
    const workers = [...this.#workers];
    for (const w of workers)
      for (let i = 0; i < w.inflight.length; i++) this.#fail(w.inflight.at(i)!, failure, 0);
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

  /** Jobs one worker may hold: about PIPELINE_MS of work by the running average, at least one. */
  #depth(): number {
    if (this.#avgMs < 0) return 1;
    const d = Math.floor(PIPELINE_MS / Math.max(this.#avgMs, 0.001));
    return Math.max(1, Math.min(d, MAX_DEPTH));
  }

  #dispatch(): void {
    const queue = this.#queue;
    if (queue.length === 0 || this.#closed) return;
    const depth = this.#depth();
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
      if (w.dead || w.dying || w.retiring) continue;
      live++;
      if (!w.ready) {
        starting++;
        w.busy(); // work is waiting for it: it keeps the process alive until it is ready
      }
    }
    // Workers keep dying before they are ready while another one serves: let that one serve.
    if (this.#startFailures >= 3 && live > 0) return;
    let waiting = this.#queue.length - starting;
    while (live < this.#options.concurrency && waiting > 0) {
      this.#spawn();
      live++;
      waiting--;
    }
  }

  #spawn(keepAlive = true): void {
    const o = this.#options;
    const spawn = {
      bootstrap: o.bootstrap,
      memoryLimitMb: o.memoryLimitMb,
      maxHeapMb: o.maxHeapMb,
      keepAlive,
      preload: this.#modules.slice(),
      env: o.env,
    };
    this.#workers.push(
      o.runtime === 'process'
        ? new ProcessWorker(
            {
              ...spawn,
              cwd: o.cwd,
              execArgv: o.execArgv,
              stdio: o.stdio,
              onOutput: o.onOutput,
              watchdog: o.watchdog,
              grants: this.#grants?.grants,
              granted: this.#grants?.modules ?? [],
            },
            this.#events,
          )
        : new PoolWorker(spawn, this.#events),
    );
  }

  /** Sends up to `max` queued jobs to `w` in one message; returns how many went. */
  #send(w: WorkerState, max: number): number {
    const queue = this.#queue;
    const room = this.#options.maxTasksPerWorker - w.sent;
    const limit = Math.min(max, room);
    const wasIdle = w.inflight.length === 0;
    const message: unknown[] = [TO_WORKER_JOBS];
    let batch: PoolJob[] | undefined;
    let first: PoolJob | undefined;
    let transfer: readonly TransferListItem[] | undefined;
    let introduced: number[] | undefined;
    let count = 0;
    while (count < limit && queue.length > 0) {
      const j = queue.peek()!;
      if (j.state === JOB_DONE) {
        queue.shift();
        continue;
      }
      // Moved buffers travel alone, to an idle worker: a job is only ever sent once they are gone.
      if (j.transfer !== undefined && (count > 0 || !wasIdle)) break;
      queue.shift();
      let ref: number | SpecIntro = j.ref;
      if (w.known[j.ref] !== true) {
        w.known[j.ref] = true;
        if (introduced === undefined) introduced = [];
        introduced.push(j.ref);
        ref = { ref: j.ref, spec: this.#specs[j.ref]! };
      }
      message.push(j.id, ref, j.args);
      if (count === 0) first = j;
      else if (batch === undefined) batch = [first!, j];
      else batch.push(j);
      count++;
      if (j.transfer !== undefined) {
        transfer = j.transfer;
        break;
      }
    }
    if (count === 0) return 0;
    try {
      w.post(message, transfer);
    } catch (err) {
      for (const ref of introduced ?? []) w.known[ref] = false;
      return this.#sendOneByOne(w, batch ?? [first!], err);
    }
    if (batch === undefined) this.#commit(w, first!, wasIdle);
    else for (let i = 0; i < batch.length; i++) this.#commit(w, batch[i]!, wasIdle && i === 0);
    if (w.sent >= this.#options.maxTasksPerWorker) this.#retire(w, true);
    return count;
  }

  /** A batch that could not be posted: each job alone, so only the unsendable ones fail. */
  #sendOneByOne(w: WorkerState, jobs: PoolJob[], batchError: unknown): number {
    if (jobs.length === 1) {
      this.#fail(jobs[0]!, unsendable(batchError), 0);
      return 0;
    }
    let sent = 0;
    for (const j of jobs) {
      const wasIdle = w.inflight.length === 0;
      const known = w.known[j.ref] === true;
      try {
        w.post([TO_WORKER_JOBS, j.id, known ? j.ref : { ref: j.ref, spec: this.#specs[j.ref]! }, j.args]);
      } catch (err) {
        this.#fail(j, unsendable(err), 0);
        continue;
      }
      w.known[j.ref] = true;
      this.#commit(w, j, wasIdle);
      sent++;
    }
    return sent;
  }

  #commit(w: WorkerState, j: PoolJob, becomesHead: boolean): void {
    j.state = JOB_SENT;
    j.worker = w;
    j.seq = ++w.sent;
    w.inflight.push(j);
    if (becomesHead) {
      w.busy();
      this.#headChanged(w, j, performance.now());
    }
  }

  // ---- timeouts ----

  /** `j` is now the job `w` runs: its timeout starts counting. */
  #headChanged(w: WorkerState, j: PoolJob, now: number): void {
    w.headSince = now;
    let deadline = 0;
    if (j.state === JOB_DONE)
      deadline = now + ABORT_GRACE_MS; // aborted before the worker could skip it
    else if (j.timeout > 0) deadline = now + j.timeout;
    this.#armDeadline(w, deadline, now);
  }

  #armDeadline(w: WorkerState, deadline: number, now: number): void {
    w.deadline = deadline;
    if (deadline === 0) return;
    if (w.timer === undefined || w.timerAt > deadline) {
      if (w.timer !== undefined) clearTimeout(w.timer);
      w.timerAt = deadline;
      w.timer = setTimeout(this.#onDeadline, Math.max(1, Math.ceil(deadline - now)), w);
      w.timer.unref();
    }
  }

  #deadlineReached(w: WorkerState): void {
    w.timer = undefined;
    const j = w.inflight.peek();
    if (j === undefined || w.deadline === 0 || w.dying || w.dead) return;
    const now = performance.now();
    if (now + 0.5 < w.deadline) {
      w.timerAt = w.deadline;
      w.timer = setTimeout(this.#onDeadline, Math.ceil(w.deadline - now), w);
      w.timer.unref();
      return;
    }
    if (w.startedCount() > j.seq) {
      // It finished in time and the worker moved on; its answer is on the way.
      w.timerAt = now + 5;
      w.timer = setTimeout(this.#onDeadline, 5, w);
      w.timer.unref();
      return;
    }
    if (j.state !== JOB_DONE && w.startedCount() === j.seq) {
      this.#fail(j, timeoutFailure(j), now - w.headSince);
    } else if (j.state !== JOB_DONE) {
      // A process's start marker may still be on its way: its death tells whether `j` had started.
      w.overdue = j;
    }
    // Either its time is up, or the worker is stuck before it (code left behind by an earlier task):
    // stop the thread; what did not start yet moves to another worker.
    this.#stopFor(w, j);
  }

  // ---- worker events ----

  #onMessage(w: WorkerState, message: unknown[]): void {
    const now = performance.now();
    let bounced: PoolJob[] | undefined;
    let m: unknown[] | undefined = message;
    while (m !== undefined) {
      const tag = m[0];
      if (tag === FROM_WORKER_OK || tag === FROM_WORKER_FAIL) {
        const j = this.#answered(w, m[1] as number, now);
        if (j !== undefined) {
          const ms = m[3] as number;
          this.#avgMs = this.#avgMs < 0 ? ms : this.#avgMs + (ms - this.#avgMs) * 0.1;
          if (j.state !== JOB_DONE) {
            j.state = JOB_DONE;
            this.#remember(j);
            j.sink.settle(
              tag === FROM_WORKER_OK
                ? { ok: true, value: m[2], ms }
                : { ok: false, error: m[2] as TaskFailure, ms },
            );
          }
        }
      } else if (tag === FROM_WORKER_SKIPPED) {
        this.#answered(w, m[1] as number, now);
      } else if (tag === FROM_WORKER_BOUNCED) {
        const j = this.#answered(w, m[1] as number, now);
        if (j !== undefined && j.state !== JOB_DONE) {
          if (bounced === undefined) bounced = [];
          bounced.push(j);
        }
      } else if (tag === FROM_WORKER_BOOTED) {
        w.post([TO_WORKER_WARM]);
      } else if (tag === FROM_WORKER_READY) {
        w.ready = true;
        this.#startFailures = 0;
      } else if (tag === FROM_WORKER_FAIL_RUNNING) {
        const j = w.inflight.peek();
        if (j !== undefined && j.id === m[1]) {
          this.#fail(j, m[2] as TaskFailure, now - w.headSince);
          this.#stopFor(w, j);
        } else this.#stray(w, m[1] as number, m[2] as TaskFailure);
      } else if (tag === FROM_WORKER_STRAY) {
        this.#stray(w, m[1] as number, m[2] as TaskFailure);
      } else if (tag === FROM_WORKER_RETIRE) {
        this.#retire(w, true);
      } else if (tag === FROM_WORKER_EXITING) {
        w.exitNote = { id: m[1] as number, code: m[2] as number };
      }
      m = w.receive();
    }
    if (bounced !== undefined) {
      for (const j of bounced) j.state = JOB_QUEUED;
      this.#queue.unshiftAll(bounced);
    }
    if (w.inflight.length === 0 && !w.dead) {
      w.idle(now);
      if (w.retiring && !w.dying) this.#drained(w);
      else if (w.usable) this.#armReaper(w);
    }
    if (this.#queue.length > 0 && !this.#flushQueued) this.#dispatch();
  }

  /** The worker answered job `id` (its head): removes it and moves the head on. */
  #answered(w: WorkerState, id: number, now: number): PoolJob | undefined {
    const j = w.inflight.peek();
    if (j === undefined || j.id !== id) return undefined; // not ours any more (settled by a kill)
    w.inflight.shift();
    w.lastId = id;
    const next = w.inflight.peek();
    if (next !== undefined) this.#headChanged(w, next, now);
    else w.deadline = 0;
    return j;
  }

  #onExit(w: WorkerState, code: number): void {
    if (w.timer !== undefined) clearTimeout(w.timer);
    const index = this.#workers.indexOf(w);
    if (index >= 0) this.#workers.splice(index, 1);
    const started = w.startedCount();
    const note = w.exitNote;
    const retry: PoolJob[] = [];
    let blamed = -1;
    while (w.inflight.length > 0) {
      const j = w.inflight.shift()!;
      if (j.state === JOB_DONE) continue;
      if (j.seq > started && j.transfer === undefined) {
        retry.push(j); // never started: it runs elsewhere, once
      } else if (j.seq > started) {
        this.#fail(
          j,
          makeFailure(
            'crashed',
            'its worker died before the task started, and its transferred arguments went with it',
            { exitCode: code },
          ),
          0,
        );
      } else if (w.killTarget !== undefined && w.killTarget !== j) {
        // A kill aimed at the job before it raced with its end: this one had only just started.
        retry.push(j);
      } else {
        blamed = j.id;
        const failure = w.overdue === j ? timeoutFailure(j) : this.#deathFailure(w, j, code, note);
        this.#fail(j, failure, performance.now() - w.headSince);
      }
    }
    if (note !== undefined && note.id >= 0 && note.id !== blamed) {
      // process.exit() from code a finished task left behind: that task's error, nobody else's.
      this.#stray(
        w,
        note.id,
        makeFailure('crashed', `process.exit(${note.code}) was called after the task returned`, {
          exitCode: note.code,
        }),
      );
    } else if (blamed < 0 && !w.dying && w.error !== undefined && w.ready) {
      this.#stray(w, -1, this.#deathFailure(w, undefined, code, note));
    }
    if (!w.ready && !w.dying && !this.#closed) {
      this.#startFailures++;
      this.#startFailed(w, code);
    }
    if (retry.length > 0) {
      for (const j of retry) j.state = JOB_QUEUED;
      this.#queue.unshiftAll(retry);
    }
    if (!this.#closed) this.#dispatch();
  }

  #deathFailure(
    w: WorkerState,
    j: PoolJob | undefined,
    code: number,
    note: { id: number; code: number } | undefined,
  ): TaskFailure {
    const err = w.error as (Error & { code?: unknown }) | undefined;
    if (err?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      const limit = this.#options.memoryLimitMb;
      return makeFailure(
        'oom',
        `the worker ran out of memory${limit !== undefined ? ` (memoryLimitMb: ${limit})` : ''}`,
        {
          name: 'OutOfMemoryError',
          code: 'ERR_WORKER_OUT_OF_MEMORY',
        },
      );
    }
    if (note !== undefined) {
      const caller =
        j !== undefined && note.id === j.id
          ? 'the task'
          : note.id < 0
            ? 'code outside any task'
            : 'code another task left behind';
      return makeFailure('crashed', `${caller} called process.exit(${note.code})`, { exitCode: note.code });
    }
    const own = w.deathFailure(code, this.#options.memoryLimitMb);
    if (own !== undefined) return own;
    if (err !== undefined) {
      return makeFailure('crashed', `the worker thread died: ${err.message}`, {
        exitCode: code,
        cause: toFailure(err, 'crashed'),
      });
    }
    return makeFailure('crashed', `the worker thread exited with code ${code}`, { exitCode: code });
  }

  /** A worker died before its bootstrap loaded. If no worker can serve, the waiting jobs fail. */
  #startFailed(w: WorkerState, code: number): void {
    for (const other of this.#workers) if (!other.dead && !other.dying) return;
    const detail = w.error !== undefined ? `: ${w.error.message}` : '';
    const failure = makeFailure(
      'bootstrap',
      `a pool worker exited with code ${code} before it was ready (while loading the bootstrap ${this.#options.bootstrap ?? '(none)'})${detail}`,
      {
        name: 'BootstrapError',
        exitCode: code,
        ...(w.error !== undefined ? { cause: toFailure(w.error, 'bootstrap') } : {}),
      },
    );
    for (const j of this.#queue.drain()) this.#fail(j, failure, 0);
  }

  /** Stops `w` to end `target`'s work; what had not started yet is retried when the thread is gone. */
  #stopFor(w: WorkerState, target: PoolJob): void {
    if (w.dying || w.dead) return;
    w.killTarget = target;
    w.terminate();
    this.#replace();
  }

  /** `w` takes nothing more; it is terminated once its jobs in flight are answered. */
  #retire(w: WorkerState, replace: boolean): void {
    if (w.retiring || w.dying || w.dead) return;
    w.retiring = true;
    if (replace && !this.#closed) {
      // With work waiting the successor starts now. Otherwise it starts once `w` is done: starting a
      // thread blocks this thread for about a millisecond, which the answer in flight should not wait for.
      if (this.#queue.length > 0) this.#replace();
      else w.replaceWhenDone = true;
    }
    if (w.inflight.length === 0) this.#drained(w);
  }

  /** A retiring worker answered its last job: it goes, and its successor (if due) starts soon. */
  #drained(w: WorkerState): void {
    w.terminate();
    if (w.replaceWhenDone) {
      w.replaceWhenDone = false;
      setImmediate(this.#replaceSoon);
    }
  }

  /** Keeps the pool at the size it had: a replacement starts while the old worker winds down. */
  #replace(): void {
    if (this.#closed) return;
    let live = 0;
    for (const w of this.#workers) if (!w.dead && !w.dying && !w.retiring) live++;
    if (live < this.#options.concurrency) this.#spawn(this.#queue.length > 0);
  }

  // ---- idle reaping ----

  #armReaper(w: WorkerState): void {
    if (this.#reaper !== undefined || this.#options.idleTimeout === Number.POSITIVE_INFINITY) return;
    this.#reaper = setTimeout(
      this.#reap,
      Math.max(1, Math.ceil(w.idleSince + this.#options.idleTimeout - performance.now())),
    );
    this.#reaper.unref();
  }

  #reapIdle(): void {
    this.#reaper = undefined;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const w of [...this.#workers]) {
      if (!w.usable || w.inflight.length > 0) continue;
      const due = w.idleSince + this.#options.idleTimeout;
      if (due <= now + 1) this.#retire(w, false);
      else if (due < next) next = due;
    }
    if (next !== Number.POSITIVE_INFINITY) {
      this.#reaper = setTimeout(this.#reap, Math.max(1, Math.ceil(next - now)));
      this.#reaper.unref();
    }
  }

  // ---- results and late errors ----

  #fail(j: PoolJob, failure: TaskFailure, ms: number): void {
    if (j.state === JOB_DONE) return;
    j.state = JOB_DONE;
    j.sink.settle({ ok: false, error: failure, ms });
  }

  /** Remembers where a settled job's late errors go. */
  #remember(j: PoolJob): void {
    const slot = j.id % ROUTES;
    this.#routeIds[slot] = j.id;
    this.#routeSinks[slot] = j.sink;
  }

  /** A late error of job `id` (-1: raised outside any task in worker `w`). */
  #stray(w: WorkerState, id: number, failure: TaskFailure): void {
    let target = id;
    let reported = failure;
    if (id < 0) {
      target = w.lastId;
      reported = {
        ...failure,
        message: `${failure.message} (raised outside any task, e.g. by the bootstrap; reported on the last task that ran in this worker)`,
      };
    }
    const slot = target >= 0 ? target % ROUTES : -1;
    if (slot >= 0 && this.#routeIds[slot] === target) {
      this.#routeSinks[slot]!.stray(reported);
      return;
    }
    process.emitWarning(
      `a pool task failed after it settled and its group is no longer known: ${reported.name}: ${reported.message}`,
      {
        code: 'ISOLANE_STRAY',
        ...(reported.stack !== undefined ? { detail: reported.stack } : {}),
      },
    );
  }

  #refOf(spec: TaskSpec): number {
    let ref = this.#specRefs.get(spec);
    if (ref !== undefined) return ref;
    const key = spec.kind === 'module' ? `m\0${spec.module}\0${spec.name}` : `i\0${spec.source}`;
    ref = this.#specKeys.get(key);
    if (ref === undefined) {
      ref = this.#specs.length;
      this.#specs.push(spec);
      this.#specKeys.set(key, ref);
      // A worker process that may not read a new task module must not be given it: it is replaced.
      if (this.#grants !== undefined)
        for (const w of this.#grants.see(spec, this.#workers)) this.#retire(w, true);
      if (spec.kind === 'module' && !this.#modules.includes(spec.module)) {
        this.#modules.push(spec.module);
        if (this.#modules.length > PRELOAD) this.#modules.shift();
      }
    }
    this.#specRefs.set(spec, ref);
    return ref;
  }
}

function timeoutFailure(j: PoolJob): TaskFailure {
  return makeFailure('timeout', `the task ran longer than its ${j.timeout} ms timeout`, {
    name: 'TimeoutError',
  });
}

function closedFailure(): TaskFailure {
  return makeFailure('aborted', 'the pool driver was closed', { name: 'AbortError' });
}

function unsendable(err: unknown): TaskFailure {
  return makeFailure(
    'unserializable',
    `the arguments cannot be sent to a worker: ${(err as Error)?.message ?? String(err)}`,
    {
      name: 'DataCloneError',
    },
  );
}

/**
 * Factory used when a WaitGroup names `driver: 'pool'`. Recycling options come from `settings.options`
 * (the config file's `drivers.pool`, or the group's `driverOptions`).
 *
 * @example
 * ```ts
 * const driver = createDriver({ concurrency: 4, options: { maxTasksPerWorker: 1 } });
 * ```
 */
export function createDriver(settings: DriverSettings): Driver {
  return new PoolDriver(poolOptionsFromSettings(settings));
}
