/**
 * The worker side: pulls jobs from one BullMQ queue and runs each on a local isolane driver (`pool`,
 * `fork` or `thread`), so a worker gives the same containment, timeouts, memory limits and recycling as a
 * local run. It refuses module tasks outside its root and inline tasks unless allowed, honours cancels
 * sent on the queue's control channel, reports late errors there, and shuts down gracefully.
 */

import { hostname } from 'node:os';
import {
  type Driver,
  type JobHandle,
  makeFailure,
  type Result,
  type TaskFailure,
} from '@isolane/core/driver-kit';
import { createDriver as createFork } from '@isolane/fork';
import { createDriver as createPool } from '@isolane/pool';
import { createDriver as createThread } from '@isolane/thread';
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  bullmqConnection,
  type ConnectionSpec,
  checkServer,
  describeConnection,
  newRedis,
  redisOptions,
} from './connection.js';
import { JobGate } from './job-gate.js';
import { intake, outcome, refused, refusedOutcome } from './job-intake.js';
import { MAX_TASKS_PER_JOB } from './options.js';
import { relayFrames } from './task-frames.js';
import {
  type BundleOutcome,
  type BundlePayload,
  type ControlMessage,
  controlChannel,
  encode,
  type JobOutcome,
  startedField,
  taskId,
} from './wire.js';
import { WorkerMessages } from './worker-messages.js';

/** The local drivers a worker can run jobs on. */
export const WORKER_RUNTIMES = ['pool', 'fork', 'thread'] as const;

/** A local driver name. */
export type WorkerRuntime = (typeof WORKER_RUNTIMES)[number];

/** Settings of {@link QueueWorker}. */
export interface QueueWorkerOptions {
  readonly connection: ConnectionSpec;
  readonly queueName: string;
  readonly prefix: string;
  /** Absolute directory module tasks are resolved under; anything outside is refused. */
  readonly root: string;
  readonly concurrency: number;
  readonly runtime: WorkerRuntime;
  /** Module URL of a bootstrap used when a job names none. */
  readonly bootstrap?: string;
  readonly allowInline: boolean;
  /** BullMQ lock duration, ms: a worker silent this long is considered dead (its job stalled). */
  readonly lockDuration: number;
  /** How often this worker looks for stalled jobs, ms. */
  readonly stalledInterval: number;
  readonly connectTimeout: number;
  /** Where progress and problems are written (default: stderr). */
  readonly log?: (line: string) => void;
}

const FACTORIES = { pool: createPool, fork: createFork, thread: createThread } as const;

/** Cancels of tasks not here that a worker remembers. */
const RECENT_CANCELS = 10_000;

/**
 * One worker process's job loop.
 *
 * @example
 * ```ts
 * const worker = new QueueWorker({ connection: 'redis://127.0.0.1:6379', queueName: 'isolane', prefix: 'bull',
 *   root: '/srv/app', concurrency: 4, runtime: 'pool', allowInline: false, lockDuration: 30_000,
 *   stalledInterval: 30_000, connectTimeout: 10_000 });
 * await worker.ready();
 * await worker.close();
 * ```
 */
export class QueueWorker {
  readonly name = `${hostname()}:${process.pid}`;
  readonly #opts: QueueWorkerOptions;
  readonly #log: (line: string) => void;
  readonly #worker: Worker;
  readonly #client: Redis;
  readonly #sub: Redis;
  readonly #channel: string;
  readonly #drivers = new Map<string, Driver>();
  readonly #running = new Map<string, JobHandle>();
  readonly #cancelled = new Set<string>();
  /** Which tasks run now; the others (of bundles) wait here, not started (job-gate.ts). */
  readonly #gate: JobGate;
  /**
   * Cancels of tasks not (yet) here, by task id: a cancel can outrun the job it is about (published while
   * BullMQ was handing the job to this worker); such a task is dropped when it comes. Bounded.
   */
  readonly #recentCancels = new Map<string, string>();
  /** Task messages of the jobs that use them (made on first use). */
  #messages: WorkerMessages | undefined;
  #lastError = '';
  #closing: Promise<void> | undefined;

  constructor(opts: QueueWorkerOptions) {
    this.#opts = opts;
    this.#log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
    const options = redisOptions(opts.connection, opts.connectTimeout);
    const where = describeConnection(opts.connection);
    this.#client = newRedis(options);
    this.#sub = newRedis(options);
    this.#channel = controlChannel(opts.prefix, opts.queueName);
    const onError = (err: Error) => {
      const message = err.message || String(err);
      if (message !== this.#lastError) this.#log(`isolane-worker: Redis at ${where}: ${message}`);
      this.#lastError = message;
    };
    this.#client.on('error', onError);
    this.#sub.on('error', onError);
    this.#sub.on('message', (_channel: string, text: string) => this.#onControl(text));
    this.#gate = new JobGate(opts.concurrency);
    this.#worker = new Worker(opts.queueName, (job) => this.#process(job), {
      connection: bullmqConnection(options),
      prefix: opts.prefix,
      // Idle: one job at a time (see #setFetching).
      concurrency: 1,
      lockDuration: opts.lockDuration,
      stalledInterval: opts.stalledInterval,
      // A stalled job (its worker died) fails at once; the producer retries it if `attempts` asks.
      maxStalledCount: 0,
      name: this.name,
      autorun: false,
    });
    this.#worker.on('error', onError);
    this.#worker.on('completed', (job) => {
      // A job whose every task was cancelled ran to its (aborted) end here; its producer has moved on:
      // clean it up (a job with other tasks is removed by its producer once it read their outcomes).
      if (job.id === undefined) return;
      const bundle = (job.data as Partial<BundlePayload> | undefined)?.bundle;
      const ids = Array.isArray(bundle) ? bundle.map((_, i) => taskId(String(job.id), i)) : [job.id];
      let all = true;
      for (const id of ids) if (!this.#cancelled.delete(id)) all = false;
      if (all) void job.remove().catch(() => {});
    });
  }

  /** Connects, checks the server, subscribes to cancels and starts pulling jobs. */
  async ready(): Promise<void> {
    const where = describeConnection(this.#opts.connection);
    await this.#sub.subscribe(this.#channel);
    const check = await checkServer(this.#client, where);
    for (const w of check.warnings) this.#log(`isolane-worker: WARNING: ${w}`);
    void this.#worker.run().catch((err: Error) => this.#log(`isolane-worker: ${err.message}`));
    await this.#worker.waitUntilReady();
  }

  /** Jobs running now. */
  get running(): number {
    return this.#running.size;
  }

  /**
   * Stops pulling jobs. Graceful: waits for the jobs it holds to finish. Forced: stops their work now;
   * those jobs stall, and each producer settles them as `crashed` (or runs them again with `attempts`).
   */
  close(force = false): Promise<void> {
    if (force) {
      for (const handle of this.#running.values()) {
        handle.abort(makeFailure('crashed', `worker ${this.name} was stopped before the job finished`));
      }
      // A graceful close may be waiting on those jobs: stop BullMQ's worker now too.
      void this.#worker.close(true).catch(() => {});
    }
    this.#closing ??= (async () => {
      await this.#worker.close(force).catch(() => {});
      await Promise.allSettled([...this.#drivers.values()].map((d) => d.close()));
      this.#messages?.close();
      for (const c of [this.#sub, this.#client]) {
        if (c.status === 'ready') await c.quit().catch(() => c.disconnect());
        else c.disconnect();
      }
    })();
    return this.#closing;
  }

  #onControl(text: string): void {
    let msg: ControlMessage;
    try {
      msg = JSON.parse(text) as ControlMessage;
    } catch {
      return;
    }
    if (msg?.type === 'messages' && typeof msg.jobId === 'string') this.#useMessages().notice(msg);
    if (msg?.type !== 'cancel' || typeof msg.jobId !== 'string') return;
    const reason = String(msg.reason);
    if (this.#gate.drop(msg.jobId, reason)) {
      this.#cancelled.add(msg.jobId);
      return;
    }
    const handle = this.#running.get(msg.jobId);
    if (!handle) {
      if (this.#recentCancels.size >= RECENT_CANCELS) {
        this.#recentCancels.delete(this.#recentCancels.keys().next().value as string);
      }
      this.#recentCancels.set(msg.jobId, reason);
      return;
    }
    this.#cancelled.add(msg.jobId);
    handle.abort(makeFailure('aborted', reason));
  }

  #useMessages(): WorkerMessages {
    this.#messages ??= new WorkerMessages({
      client: this.#client,
      jobKey: (id) => this.#jobKey(id),
      channel: this.#channel,
      running: (id) => this.#running.get(id),
    });
    return this.#messages;
  }

  #jobKey(id: string): string {
    return `${this.#opts.prefix}:${this.#opts.queueName}:${id}`;
  }

  #driverFor(
    bootstrap: string | undefined,
    memoryLimitMb: number | undefined,
    bootstrapTimeout: number | undefined,
  ): Driver {
    const key = JSON.stringify([bootstrap ?? null, memoryLimitMb ?? null, String(bootstrapTimeout)]);
    let driver = this.#drivers.get(key);
    if (!driver) {
      driver = FACTORIES[this.#opts.runtime]({
        concurrency: this.#opts.concurrency,
        ...(bootstrap !== undefined ? { bootstrap } : {}),
        ...(memoryLimitMb !== undefined ? { memoryLimitMb } : {}),
        ...(bootstrapTimeout !== undefined ? { bootstrapTimeout } : {}),
      });
      this.#drivers.set(key, driver);
    }
    return driver;
  }

  /**
   * How many jobs BullMQ may hold. An idle worker takes one: BullMQ fetches up to its concurrency before
   * it hands the first job to the processor, so with more it would spend one more Redis round trip
   * (finding the queue empty) before a lone job starts. While jobs run, it takes as many as it has slots,
   * never more (a job held behind a long one would wait while another worker is free); the processor
   * raises it as a job starts (BullMQ's loop reads it right after), so those fetches overlap with the job
   * instead of delaying it.
   */
  #setFetching(busy: boolean): void {
    const jobs = busy ? this.#opts.concurrency : 1;
    if (this.#worker.concurrency !== jobs) this.#worker.concurrency = jobs;
  }

  /** A job: one task, or a bundle of them (each its own task here, with its own outcome). */
  async #process(job: Job): Promise<JobOutcome | BundleOutcome> {
    const id = String(job.id);
    const data = job.data as Partial<BundlePayload> | undefined;
    const tasks =
      data !== null && typeof data === 'object' && Array.isArray(data.bundle) ? data.bundle : undefined;
    // Called synchronously by BullMQ's loop: it fetches the next jobs only once this has returned.
    this.#setFetching(true);
    if (tasks === undefined) return await this.#runTask(job, id, job.data);
    if (tasks.length === 0 || tasks.length > MAX_TASKS_PER_JOB) {
      const why = `a bundle of ${tasks.length} tasks (1 to ${MAX_TASKS_PER_JOB} allowed)`;
      this.#log(`isolane-worker: job ${id} refused: ${why}`);
      return refusedOutcome(refused(`the job is not an isolane task: ${why}`, 'ISOLANE_BAD_JOB'));
    }
    return { b: await Promise.all(tasks.map((task, i) => this.#runTask(job, taskId(id, i), task, i))) };
  }

  /** One task of a job: refused, dropped, or run on the local driver. */
  async #runTask(job: Job, id: string, payload: unknown, index?: number): Promise<JobOutcome> {
    const cancelled = (payload as { cancelled?: unknown } | null)?.cancelled;
    const early = this.#recentCancels.get(id);
    if (typeof cancelled === 'string' || early !== undefined) {
      this.#recentCancels.delete(id);
      this.#cancelled.add(id);
      return outcome({ ok: false, error: makeFailure('aborted', early ?? String(cancelled)), ms: 0 });
    }
    const read = intake(payload, this.#opts);
    if ('refused' in read) {
      this.#log(`isolane-worker: job ${id} refused: ${read.refused}`);
      return refusedOutcome(read);
    }
    let driver: Driver;
    try {
      driver = this.#driverFor(read.bootstrap, read.memoryLimitMb, read.bootstrapTimeout);
    } catch (err) {
      return refusedOutcome(
        refused(`the job's driver settings are invalid: ${(err as Error).message}`, 'ISOLANE_BAD_JOB'),
      );
    }
    // A task of a bundle while every slot is busy: held, not started, until one frees (job-gate.ts).
    const entered = this.#gate.enter(id);
    const dropped = entered === true ? true : await entered;
    if (dropped !== true) return outcome({ ok: false, error: makeFailure('aborted', dropped), ms: 0 });
    // Its cancel came while the gate was letting it go (a running task's abort freed the slot in the same
    // turn, before this task was running): it must not start.
    const late = this.#recentCancels.get(id);
    if (late !== undefined) {
      this.#recentCancels.delete(id);
      this.#cancelled.add(id);
      this.#gate.leave();
      this.#setFetching(this.#gate.active + this.#gate.held > 0);
      return outcome({ ok: false, error: makeFailure('aborted', late), ms: 0 });
    }
    return await new Promise<JobOutcome>((resolve) => {
      let settled = false;
      // The task's progress goes out as the job's progress, before its result (task-frames.ts).
      let handle: JobHandle | undefined;
      const relay = relayFrames(
        (data) => job.updateProgress(data as unknown as object),
        (frame) => handle && this.#useMessages().fromTask(id, handle, frame),
        (n) => handle?.toTask?.({ t: 'credit', n, progress: true }),
        index,
      );
      const settle = (result: Result<unknown>) => {
        settled = true;
        this.#running.delete(id);
        this.#gate.leave();
        this.#setFetching(this.#gate.active + this.#gate.held > 0);
        const writing = relay.drained();
        // A task that sent messages: its outcome waits for them and names the last (worker-messages.ts).
        const sending = this.#messages?.end(id, this.#cancelled.has(id));
        if (writing === undefined && sending === undefined) resolve(outcome(result));
        else void Promise.all([writing, sending]).then(([, mark]) => resolve(outcome(result, mark)));
      };
      try {
        handle = driver.start(read.job, {
          settle,
          stray: (failure: TaskFailure) => this.#stray(id, failure),
          fromTask: (frame) => relay.fromTask(frame),
        });
      } catch (err) {
        // Never expected (a driver settles its failures), but the slot must not stay taken.
        if (!settled)
          settle({
            ok: false,
            error: makeFailure('crashed', `the local driver failed: ${(err as Error).message}`),
            ms: 0,
          });
        return;
      }
      // Marks the task started (after it went to the local driver, whose thread is waking meanwhile): if
      // this worker dies, a task without the mark never ran and goes back to the queue; one with it
      // settles as `crashed` (stored-verdict.ts). Dying between the two: the started task runs again.
      this.#client.hset(this.#jobKey(String(job.id)), startedField(index), '1').catch(() => {});
      if (!settled) {
        this.#running.set(id, handle);
        this.#messages?.started(id, handle);
      }
    });
  }

  #stray(jobId: string, failure: TaskFailure): void {
    const msg: ControlMessage = { type: 'stray', jobId, failure: encode(failure) };
    this.#client.publish(this.#channel, JSON.stringify(msg)).catch((err: Error) => {
      this.#log(`isolane-worker: late error of job ${jobId} could not be reported: ${err.message}`);
    });
  }
}
