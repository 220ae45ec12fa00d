/**
 * The queue driver: each job becomes a BullMQ job on Redis, run by `isolane-worker` processes (on this
 * machine or others) on their own local isolane driver. At most `concurrency` jobs are in Redis at once
 * per driver; the rest wait here (job-window.ts). The job's stored state is the source of truth: a "completed" event
 * carries the value BullMQ stored with the job in the same atomic write (so it settles the slot without a
 * read-back), any other event makes the driver read the job (stored-verdict.ts), and a periodic sweep
 * reads the stored state of every job in flight, so a trimmed or missed event never loses a slot. Settled
 * jobs are removed in batches once their outcome is read. Execution is at least once (a stalled job may
 * have run); the recorded outcome is exactly one per job.
 */
import {
  type CallerFrame,
  checkConcurrency,
  closedFailure,
  type Driver,
  type DriverSettings,
  type Job,
  type JobHandle,
  type JobSink,
  makeFailure,
  type Result,
  type TaskFailure,
} from '@isolane/core/driver-kit';
import { JobCancels } from './job-cancels.js';
import { jobPayload, type PayloadSettings, payloadSettings } from './job-payload.js';
import { JobWindow } from './job-window.js';
import { type ResolvedQueueOptions, resolveQueueOptions } from './options.js';
import { ProducerLink } from './producer-link.js';
import { ProducerMessages } from './producer-messages.js';
import { crashed, type Entry, newEntry } from './queue-entry.js';
import { SettledJobs } from './settled-jobs.js';
import { storedVerdict } from './stored-verdict.js';
import { progressFrame } from './task-frames.js';
import { decode, type JobPayload, messagesMark, readOutcome } from './wire.js';

/** How long close() waits for Redis before dropping its connections, ms. */
const CLOSE_GRACE_MS = 3_000;

/** A "failed" event (the job is read back). */
const FAILED = Symbol('failed');
/** A finish event seen before its job's add() answered. */
type EarlyEvent = { readonly returnvalue: unknown } | typeof FAILED;

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
  /** What every payload carries to the worker's local driver. */
  readonly #payload: PayloadSettings;
  readonly #window: JobWindow;
  readonly #byId = new Map<string, Entry>();
  /** Jobs whose add() has not answered yet (not in #byId: they have no id). */
  readonly #adding = new Set<Entry>();
  readonly #settled = new SettledJobs();
  /** Events of jobs whose add() has not answered yet (see #onEvent). */
  readonly #early = new Map<string, EarlyEvent>();
  #link: ProducerLink | undefined;
  /** Task messages of the slots that use them (made on first use, with the link). */
  #messages: ProducerMessages | undefined;
  #closed = false;
  #downSince: number | undefined;
  #tick: NodeJS.Timeout | undefined;
  #idle: NodeJS.Timeout | undefined;
  #lastSweep = 0;
  #pumpScheduled = false;
  /** Jobs to stop, gathered over one turn: all are removed before any running one is cancelled. */
  readonly #cancels = new JobCancels(() => this.#link);

  constructor(settings: DriverSettings) {
    this.#window = new JobWindow(checkConcurrency(settings.concurrency, 'queue driver: "concurrency"'));
    this.options = resolveQueueOptions(settings.options ?? {});
    this.#payload = payloadSettings(settings, this.options.root);
  }

  start(job: Job, sink: JobSink): JobHandle {
    const entry = newEntry(
      sink,
      this.#closed ? { failure: closedFailure('queue') } : jobPayload(job, this.#payload),
    );
    if (entry.state !== 'done') {
      this.#window.push(entry);
      this.#schedulePump();
      this.#arm();
    }
    return {
      abort: (failure: TaskFailure) => this.#abort(entry, failure),
      toTask: (frame: CallerFrame) => entry.state !== 'done' && this.#useMessages().toTask(entry, frame),
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const failure = closedFailure('queue');
    for (const entry of this.#window.drain()) this.#abort(entry, failure);
    for (const entry of [...this.#byId.values(), ...this.#adding]) this.#abort(entry, failure);
    if (this.#tick) clearInterval(this.#tick);
    if (this.#idle) clearTimeout(this.#idle);
    // The aborts above gathered their stops for the end of this turn; the link goes before that.
    if (this.#link?.ready) await withinGrace(this.#cancels.flush());
    await this.#closeLink();
  }

  #ensureLink(): ProducerLink {
    if (this.#idle) {
      clearTimeout(this.#idle);
      this.#idle = undefined;
    }
    if (!this.#link) {
      this.#link = new ProducerLink(this.options, {
        completed: (id, returnvalue) => this.#onEvent(id, { returnvalue }),
        finished: (id) => this.#onEvent(id, FAILED),
        progress: (id, data) => {
          const open = this.#byId.get(id);
          const frame = open === undefined ? undefined : progressFrame(data);
          if (frame !== undefined) open!.sink.fromTask?.(frame);
        },
        messages: (msg) => this.#useMessages().notice(msg),
        active: (id) => this.#messages?.active(id),
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
          this.#settled.sinkOf(id)?.stray(failure);
        },
      });
      this.#downSince = performance.now();
    }
    return this.#link;
  }

  #useMessages(): ProducerMessages {
    this.#messages ??= new ProducerMessages(this.#ensureLink(), this.#byId, (e, f) => this.#abort(e, f));
    return this.#messages;
  }

  /** Settles from a job's outcome; one whose task sent messages waits for them (producer-messages.ts). */
  #settleOutcome(entry: Entry, result: Result<unknown>, mark: string | undefined): void {
    const settle = () => this.#settle(entry, result);
    if (mark === undefined || !this.#useMessages().settleAfter(entry, mark, settle)) settle();
  }

  /**
   * A job finished. A "completed" event's value is the one stored with the job (one atomic write in
   * Redis): the slot settles from it without reading the job back; anything else is read from Redis.
   * An event can outrun the reply of the add that made its job (two connections): while adds are
   * unanswered, events of unknown jobs wait for them.
   */
  #onEvent(id: string, event: EarlyEvent): void {
    const entry = this.#byId.get(id);
    if (!entry) {
      if (this.#adding.size > 0) this.#early.set(id, event);
      return;
    }
    let outcome: Result<unknown> | undefined;
    try {
      outcome = event !== FAILED && entry.state === 'added' ? readOutcome(event.returnvalue) : undefined;
    } catch {
      outcome = undefined;
    }
    if (outcome)
      this.#settleOutcome(entry, outcome, messagesMark((event as { returnvalue: unknown }).returnvalue));
    else void this.#read(entry);
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
    const batch = this.#window.take();
    if (batch.length > 0) this.#add(batch);
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
            this.#cancels.add(id, 'aborted before it started');
            continue;
          }
          entry.id = id;
          entry.state = 'added';
          this.#byId.set(id, entry);
          this.#messages?.added(entry);
          const early = this.#early.get(id);
          if (early !== undefined) {
            this.#early.delete(id);
            this.#onEvent(id, early);
          }
        }
        if (this.#adding.size === 0) this.#early.clear();
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
        if (this.#adding.size === 0) this.#early.clear();
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
      const verdict = await storedVerdict(link, {
        id,
        runs: entry.runs,
        returned: entry.returned,
        unlockedAt: entry.unlockedAt,
        sweep,
        attempts: this.options.attempts,
      });
      if (entry.state !== 'added' || entry.id !== id) return;
      switch (verdict.kind) {
        case 'settle':
          this.#settleOutcome(entry, verdict.result, verdict.mark);
          break;
        case 'retry':
          this.#messages?.release(entry);
          this.#byId.delete(id);
          this.#settled.discard(id);
          entry.unlockedAt = 0;
          // A job its worker fetched but never started: the same run again (#add counts one more).
          if (!verdict.started) {
            entry.runs--;
            entry.returned++;
          }
          this.#add([entry]);
          break;
        case 'unlocked':
          entry.unlockedAt = performance.now();
          break;
        case 'pending':
          entry.unlockedAt = 0;
          break;
      }
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
    this.#messages?.release(entry);
    if (entry.id !== undefined) {
      this.#byId.delete(entry.id);
      this.#settled.add(entry.id, entry.sink);
    }
    if (wasInflight) this.#window.left();
    entry.sink.settle(result);
    for (const failure of entry.strays ?? []) entry.sink.stray(failure);
    this.#schedulePump();
  }

  #abort(entry: Entry, failure: TaskFailure): void {
    const id = entry.state === 'added' ? entry.id : undefined;
    this.#settle(entry, { ok: false, error: failure, ms: 0 });
    if (id !== undefined) this.#cancels.add(id, failure.message);
  }

  /** One timer while work is pending: connection watchdog, sweep of stored states, removals. */
  #arm(): void {
    if (this.#tick || this.#closed) return;
    this.#tick = setInterval(() => this.#onTick(), 100);
  }

  #onTick(): void {
    const link = this.#link;
    const pending = this.#window.pending;
    if (link && this.#settled.pendingRemovals > 0 && link.ready) {
      void link.removeSettled(this.#settled.takeRemovals());
    }
    const now = performance.now();
    this.#settled.expire(now);
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
    for (const entry of this.#window.drain()) this.#settle(entry, result);
    for (const entry of [...this.#byId.values()]) this.#settle(entry, result);
    // Jobs still being added: their add() may yet succeed when Redis returns; they are removed then.
    for (const entry of [...this.#adding]) this.#settle(entry, result);
  }

  async #closeLink(): Promise<void> {
    const link = this.#link;
    this.#link = undefined;
    this.#idle = undefined;
    this.#messages?.close();
    this.#messages = undefined;
    if (!link) return;
    if (link.ready) await link.removeSettled(this.#settled.takeRemovals());
    await withinGrace(link.close());
  }
}

/** Waits for `work`, at most {@link CLOSE_GRACE_MS} (an unreachable Redis never holds close() up). */
async function withinGrace(work: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work,
    new Promise<void>((r) => {
      timer = setTimeout(r, CLOSE_GRACE_MS);
    }),
  ]);
  if (timer) clearTimeout(timer);
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
