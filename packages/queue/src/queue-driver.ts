/**
 * The queue driver: each job becomes a BullMQ job on Redis, run by `isolane-worker` processes (on this
 * machine or others) on their own local isolane driver. At most `concurrency` jobs are in Redis at once
 * per driver; the rest wait here. The job's stored state is the source of truth: a "completed" event
 * carries the value BullMQ stored with the job in the same atomic write (so it settles the slot without a
 * read-back), any other event makes the driver read the job, and a periodic sweep reads the stored state of
 * every job in flight, so a trimmed or missed event never loses a slot. Execution is at least once (a stalled job may have run); the recorded outcome is
 * exactly one per job.
 */
import {
  checkBootstrapTimeout,
  checkConcurrency,
  checkMemoryLimit,
  checkModuleHref,
  closedFailure,
  type Driver,
  type DriverSettings,
  type Job,
  type JobHandle,
  type JobSink,
  makeFailure,
  type Result,
  refuseMovedPorts,
  type TaskFailure,
} from '@isolane/core/driver-kit';
import { type ResolvedQueueOptions, resolveQueueOptions } from './options.js';
import { ProducerLink } from './producer-link.js';
import { crashed, type Entry } from './queue-entry.js';
import { decode, encode, type JobPayload, readOutcome, toRootPath, wireTask } from './wire.js';

/** How long a settled job's late errors are still routed to its group, ms. */
const STRAY_WINDOW_MS = 60_000;
/** How long close() waits for Redis before dropping its connections, ms. */
const CLOSE_GRACE_MS = 3_000;

/**
 * Runs tasks as BullMQ jobs on Redis.
 *
 * @example
 * ```ts
 * const driver = new QueueDriver({ concurrency: 16, options: { connection: 'redis://127.0.0.1:6379', root: process.cwd() } });
 * await using wg = new WaitGroup({ driver });
 * wg.go(userStats, 42); // run by any isolane-worker serving the queue "isolane"
 * await wg.wait();
 * await driver.close();
 * ```
 */
export class QueueDriver implements Driver {
  readonly name = 'queue';
  readonly options: ResolvedQueueOptions;
  readonly #concurrency: number;
  readonly #bootstrap: { path?: string; refused?: string };
  readonly #memoryLimitMb: number | undefined;
  /** Carried to the worker's local driver; `null` on the wire is Infinity (JSON has no Infinity). */
  readonly #bootstrapTimeout: number | null | undefined;
  readonly #fifo: Entry[] = [];
  #fifoHead = 0;
  #inflight = 0;
  readonly #byId = new Map<string, Entry>();
  /** Jobs whose add() has not answered yet (not in #byId: they have no id). */
  readonly #adding = new Set<Entry>();
  readonly #recent = new Map<string, { sink: JobSink; at: number }>();
  #toRemove: string[] = [];
  #link: ProducerLink | undefined;
  #closed = false;
  #downSince: number | undefined;
  #tick: NodeJS.Timeout | undefined;
  #idle: NodeJS.Timeout | undefined;
  #lastSweep = 0;
  #pumpScheduled = false;

  constructor(settings: DriverSettings) {
    this.#concurrency = checkConcurrency(settings.concurrency, 'queue driver: "concurrency"');
    this.options = resolveQueueOptions(settings.options ?? {});
    this.#memoryLimitMb =
      settings.memoryLimitMb === undefined
        ? undefined
        : checkMemoryLimit(settings.memoryLimitMb, 'queue driver: "memoryLimitMb"');
    const bootstrapTimeout =
      settings.bootstrapTimeout === undefined
        ? undefined
        : checkBootstrapTimeout(settings.bootstrapTimeout, 'queue driver: "bootstrapTimeout"');
    this.#bootstrapTimeout = bootstrapTimeout === Number.POSITIVE_INFINITY ? null : bootstrapTimeout;
    if (settings.bootstrap === undefined) this.#bootstrap = {};
    else {
      const href = checkModuleHref(settings.bootstrap, 'queue driver: "bootstrap"');
      const at = toRootPath(href, this.options.root);
      this.#bootstrap = 'path' in at ? { path: at.path } : { refused: at.refused };
    }
  }

  start(job: Job, sink: JobSink): JobHandle {
    const entry = this.#entry(job, sink);
    if (entry.state !== 'done') {
      this.#fifo.push(entry);
      this.#schedulePump();
      this.#arm();
    }
    return { abort: (failure: TaskFailure) => this.#abort(entry, failure) };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const failure = closedFailure('queue');
    for (const entry of this.#fifo.slice(this.#fifoHead)) this.#abort(entry, failure);
    for (const entry of [...this.#byId.values(), ...this.#adding]) this.#abort(entry, failure);
    this.#fifo.length = 0;
    this.#fifoHead = 0;
    if (this.#tick) clearInterval(this.#tick);
    if (this.#idle) clearTimeout(this.#idle);
    await this.#closeLink();
  }

  #entry(job: Job, sink: JobSink): Entry {
    const fail = (error: TaskFailure): Entry => {
      sink.settle({ ok: false, error, ms: 0 });
      return { sink, state: 'done', addedAt: 0, runs: 0, reading: false, unlockedAt: 0 };
    };
    if (this.#closed) return fail(closedFailure('queue'));
    if (this.#bootstrap.refused) {
      return fail(makeFailure('bootstrap', this.#bootstrap.refused, { code: 'ISOLANE_OUTSIDE_ROOT' }));
    }
    const task = wireTask(job.task, this.options.root);
    if ('refused' in task) {
      return fail(makeFailure('threw', task.refused, { name: 'SpawnError', code: 'ISOLANE_OUTSIDE_ROOT' }));
    }
    const refused = refuseMovedPorts(job, 'queue');
    if (refused !== undefined) return fail(refused);
    let args: string;
    try {
      args = encode(job.args);
      // transfer() promises a move: the caller's buffers are detached once the job holds its copy.
      if (job.transfer && job.transfer.length > 0) structuredClone(null, { transfer: [...job.transfer] });
    } catch (err) {
      return fail(makeFailure('unserializable', `the arguments cannot be sent: ${(err as Error).message}`));
    }
    const payload: JobPayload = {
      v: 1,
      task: task.task,
      args,
      ...(job.timeout !== undefined ? { timeout: job.timeout } : {}),
      ...(this.#bootstrap.path !== undefined ? { bootstrap: this.#bootstrap.path } : {}),
      ...(this.#memoryLimitMb !== undefined ? { memoryLimitMb: this.#memoryLimitMb } : {}),
      ...(this.#bootstrapTimeout !== undefined ? { bootstrapTimeout: this.#bootstrapTimeout } : {}),
    };
    return { sink, payload, state: 'queued', addedAt: 0, runs: 0, reading: false, unlockedAt: 0 };
  }

  #ensureLink(): ProducerLink {
    if (this.#idle) {
      clearTimeout(this.#idle);
      this.#idle = undefined;
    }
    if (!this.#link) {
      this.#link = new ProducerLink(this.options, {
        completed: (id, returnvalue) => {
          const entry = this.#byId.get(id);
          if (!entry) return;
          // The event's value is the one stored with the job (one atomic write in Redis): settle from
          // it without reading the job back. Anything unexpected is read from Redis instead.
          let outcome: Result<unknown> | undefined;
          try {
            outcome = entry.state === 'added' ? readOutcome(returnvalue) : undefined;
          } catch {
            outcome = undefined;
          }
          if (outcome) this.#settle(entry, outcome);
          else void this.#read(entry);
        },
        finished: (id) => {
          const entry = this.#byId.get(id);
          if (entry) void this.#read(entry);
        },
        stray: (id, encoded) => {
          const failure = decode(encoded) as TaskFailure;
          const open = this.#byId.get(id);
          if (open) {
            // A worker reports a late error only after the job settled there, so its outcome is in
            // Redis (or on its way): read it first — the error must never take the job's own slot.
            open.strays ??= [];
            open.strays.push(failure);
            void this.#read(open);
            return;
          }
          this.#recent.get(id)?.sink.stray(failure);
        },
      });
      this.#downSince = performance.now();
    }
    return this.#link;
  }

  /** Pumps once per microtask, so the go() calls of one tick reach Redis in one round trip. */
  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  #pump(): void {
    const batch: Entry[] = [];
    while (this.#inflight < this.#concurrency && this.#fifoHead < this.#fifo.length) {
      const entry = this.#fifo[this.#fifoHead++] as Entry;
      if (entry.state !== 'queued') continue;
      this.#inflight++;
      batch.push(entry);
    }
    if (batch.length > 0) this.#add(batch);
    if (this.#fifoHead > 1024 && this.#fifoHead * 2 > this.#fifo.length) {
      this.#fifo.splice(0, this.#fifoHead);
      this.#fifoHead = 0;
    }
  }

  /** Adds entries (already counted in flight) to Redis in one round trip. */
  #add(batch: readonly Entry[]): void {
    const link = this.#ensureLink();
    const now = performance.now();
    for (const entry of batch) {
      entry.addedAt = now;
      entry.state = 'adding';
      entry.runs++;
      this.#adding.add(entry);
    }
    link.addBulk(batch.map((entry) => entry.payload as JobPayload)).then(
      (ids) => {
        for (const [i, entry] of batch.entries()) {
          const id = ids[i] as string;
          this.#adding.delete(entry);
          if (entry.state === 'done') {
            this.#cancelJob(id, 'aborted before it started');
            continue;
          }
          entry.id = id;
          entry.state = 'added';
          this.#byId.set(id, entry);
        }
      },
      (err: Error) => {
        for (const entry of batch) {
          this.#adding.delete(entry);
          this.#settle(entry, {
            ok: false,
            error: makeFailure('crashed', `cannot add the job to Redis at ${link.name}: ${err.message}`, {
              code: 'ISOLANE_REDIS_UNREACHABLE',
            }),
            ms: 0,
          });
        }
      },
    );
  }

  /** Reads a job's stored state and settles its slot when it is final. */
  async #read(entry: Entry, sweep = false): Promise<void> {
    const link = this.#link;
    const id = entry.id;
    if (!link || id === undefined || entry.reading || entry.state !== 'added') return;
    entry.reading = true;
    try {
      const job = await link.stored(id);
      if (entry.state !== 'added' || entry.id !== id) return;
      if (!job) {
        this.#settle(
          entry,
          crashed(
            `job ${id} vanished from Redis at ${link.name} before it reported an outcome (Redis restarted without persistence, or evicted keys: check maxmemory-policy)`,
            'ISOLANE_JOB_LOST',
          ),
        );
        return;
      }
      let reason: string;
      if (job.finishedOn) {
        const outcome = job.failedReason ? undefined : readOutcome(job.returnvalue);
        if (outcome) {
          this.#settle(entry, outcome);
          return;
        }
        reason = job.failedReason || 'the job finished without an outcome';
      } else {
        // Workers notice each other's stalled jobs; when none is left alive, the producer must.
        if (!sweep || !job.processedOn || (await link.locked(id))) {
          entry.unlockedAt = 0;
          return;
        }
        if (entry.state !== 'added' || entry.id !== id) return;
        const now = performance.now();
        // Seen unlocked on two sweeps in a row: not a job that finished between the two reads.
        if (entry.unlockedAt === 0) {
          entry.unlockedAt = now;
          return;
        }
        reason = 'job stalled: its worker stopped renewing its lock and no live worker failed it';
      }
      if (/stalled/i.test(reason) && entry.runs < this.options.attempts) {
        // The worker died holding the job: run it again (at-least-once), as `attempts` asks.
        this.#byId.delete(id);
        this.#toRemove.push(id);
        entry.unlockedAt = 0;
        this.#add([entry]);
        return;
      }
      this.#settle(
        entry,
        crashed(
          /stalled/i.test(reason)
            ? `the worker running job ${id} stopped (its lock expired: killed, or lost its Redis connection): ${reason}`
            : `job ${id} failed on its worker: ${reason}`,
          /stalled/i.test(reason) ? 'ISOLANE_JOB_STALLED' : 'ISOLANE_JOB_FAILED',
        ),
      );
    } catch {
      // Redis is unreachable: the watchdog decides when that fails the slot.
    } finally {
      entry.reading = false;
    }
  }

  #settle(entry: Entry, result: Result<unknown>): void {
    if (entry.state === 'done') return;
    const wasInflight = entry.state === 'adding' || entry.state === 'added';
    entry.state = 'done';
    if (entry.id !== undefined) {
      this.#byId.delete(entry.id);
      this.#toRemove.push(entry.id);
      this.#recent.set(entry.id, { sink: entry.sink, at: performance.now() });
    }
    if (wasInflight) this.#inflight--;
    entry.sink.settle(result);
    for (const failure of entry.strays ?? []) entry.sink.stray(failure);
    this.#schedulePump();
  }

  #abort(entry: Entry, failure: TaskFailure): void {
    const id = entry.state === 'added' ? entry.id : undefined;
    this.#settle(entry, { ok: false, error: failure, ms: 0 });
    if (id !== undefined) this.#cancelJob(id, failure.message);
  }

  #cancelJob(id: string, reason: string): void {
    const link = this.#link;
    if (!link) return;
    void link.remove(id);
    link.cancel(id, reason).catch(() => {});
  }

  /** One timer while work is pending: connection watchdog, sweep of stored states, removals. */
  #arm(): void {
    if (this.#tick || this.#closed) return;
    this.#tick = setInterval(() => this.#onTick(), 100);
  }

  #onTick(): void {
    const link = this.#link;
    const pending = this.#inflight + (this.#fifo.length - this.#fifoHead);
    if (link && this.#toRemove.length > 0 && link.ready) {
      const ids = this.#toRemove;
      this.#toRemove = [];
      for (const id of ids) void link.remove(id);
    }
    const now = performance.now();
    for (const [id, r] of this.#recent) {
      if (now - r.at < STRAY_WINDOW_MS) break;
      this.#recent.delete(id);
    }
    if (pending === 0) {
      clearInterval(this.#tick);
      this.#tick = undefined;
      this.#downSince = undefined;
      this.#idle = setTimeout(() => void this.#closeLink(), this.options.lingerMs);
      this.#idle.unref();
      return;
    }
    if (!link) return;
    if (link.ready) this.#downSince = undefined;
    else {
      this.#downSince ??= now;
      if (now - this.#downSince >= this.options.connectTimeout) {
        this.#downSince = now;
        this.#failAll(
          crashed(
            `Redis at ${link.name} has been unreachable for ${this.options.connectTimeout} ms (connectTimeout): ${link.lastError}`,
            'ISOLANE_REDIS_UNREACHABLE',
          ),
        );
        return;
      }
    }
    if (link.ready && now - this.#lastSweep >= this.options.sweepMs) {
      this.#lastSweep = now;
      // Jobs added since the last sweep are left to their events; older ones are read from Redis.
      for (const entry of this.#byId.values()) {
        if (now - entry.addedAt >= this.options.sweepMs) void this.#read(entry, true);
      }
    }
  }

  #failAll(result: Result<unknown>): void {
    for (const entry of this.#fifo.slice(this.#fifoHead)) this.#settle(entry, result);
    for (const entry of [...this.#byId.values()]) this.#settle(entry, result);
    // Jobs still being added: their add() may yet succeed when Redis returns; they are removed then.
    for (const entry of [...this.#adding]) this.#settle(entry, result);
  }

  async #closeLink(): Promise<void> {
    const link = this.#link;
    this.#link = undefined;
    this.#idle = undefined;
    if (!link) return;
    if (link.ready) await Promise.all(this.#toRemove.splice(0).map((id) => link.remove(id)));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      link.close(),
      new Promise<void>((r) => {
        timer = setTimeout(r, CLOSE_GRACE_MS);
      }),
    ]);
    if (timer) clearTimeout(timer);
  }
}

/**
 * Factory used when a WaitGroup names `driver: 'queue'` (options from `drivers.queue` in the config).
 *
 * @example
 * ```ts
 * const driver = createDriver({ concurrency: 32, options: { queueName: 'reports' } });
 * ```
 */
export function createDriver(settings: DriverSettings): Driver {
  return new QueueDriver(settings);
}
