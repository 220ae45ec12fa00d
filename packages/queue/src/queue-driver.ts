/**
 * The queue driver: each `go()` becomes a task of a BullMQ job on Redis — alone in its job, or with other
 * short tasks (bundle-policy.ts) — run by `isolane-worker` processes (on this machine or others) on their
 * own local isolane driver. At most `concurrency` tasks are in Redis at once per driver; the rest wait
 * here (job-window.ts). The job's stored state is the source of truth: a "completed" event carries the
 * value BullMQ stored with the job in the same atomic write (so it settles the slots without a
 * read-back), any other event makes the driver read the job (stored-verdict.ts), and a periodic sweep
 * reads the stored state of every job in flight, so a trimmed or missed event never loses a slot. Jobs
 * are removed in batches once no slot waits on them. Execution is at least once (a stalled task may have
 * run); the recorded outcome is exactly one per task.
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
import { BundlePolicy } from './bundle-policy.js';
import { ConnectionWatch } from './connection-watch.js';
import { JobBook, taskIdsOf } from './job-book.js';
import { JobCancels } from './job-cancels.js';
import { JobEvents } from './job-events.js';
import { jobPayload, type PayloadSettings, payloadSettings } from './job-payload.js';
import { JobWindow } from './job-window.js';
import { type ResolvedQueueOptions, resolveQueueOptions } from './options.js';
import { ProducerLink } from './producer-link.js';
import { ProducerMessages } from './producer-messages.js';
import { crashed, type Entry, type JobRecord, newEntry } from './queue-entry.js';
import { SettledJobs } from './settled-jobs.js';
import { storedVerdict } from './stored-verdict.js';
import { progressFrame, progressIndex } from './task-frames.js';
import { type BundlePayload, decode, type JobPayload, taskId } from './wire.js';
import { withinGrace } from './within-grace.js';

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
  /** Which go()s share a job (bundle-policy.ts). */
  readonly #bundles: BundlePolicy;
  /** Entries and jobs in Redis. */
  readonly #book = new JobBook();
  /** Jobs whose add() has not answered yet (not in #byId: they have no id). */
  readonly #adding = new Set<Entry>();
  readonly #settled = new SettledJobs();
  /** Finish events of the jobs (job-events.ts). */
  readonly #events = new JobEvents({
    book: this.#book,
    pendingAdds: () => this.#adding.size,
    settleOutcome: (entry, result, mark) => this.#settleOutcome(entry, result, mark),
    read: (job) => void this.#read(job),
  });
  #link: ProducerLink | undefined;
  /** Task messages of the slots that use them (made on first use, with the link). */
  #messages: ProducerMessages | undefined;
  #closed = false;
  readonly #watch: ConnectionWatch;
  #tick: NodeJS.Timeout | undefined;
  #idle: NodeJS.Timeout | undefined;
  #lastSweep = 0;
  #pumpScheduled = false;
  /** Jobs to stop, gathered over one turn: all are removed before any running one is cancelled. */
  readonly #cancels = new JobCancels(() => this.#link);

  constructor(settings: DriverSettings) {
    this.#window = new JobWindow(checkConcurrency(settings.concurrency, 'queue driver: "concurrency"'));
    this.options = resolveQueueOptions(settings.options ?? {});
    this.#bundles = new BundlePolicy(this.options.maxTasksPerJob);
    this.#watch = new ConnectionWatch(this.options.connectTimeout);
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
    for (const entry of [...this.#book.byId.values(), ...this.#adding]) this.#abort(entry, failure);
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
        completed: (job, returnvalue) => this.#events.completed(job, returnvalue),
        finished: (job) => this.#events.failed(job),
        progress: (job, data) => {
          const open = this.#book.entry(taskId(job, progressIndex(data)));
          const frame = open === undefined ? undefined : progressFrame(data);
          if (frame !== undefined) open!.sink.fromTask?.(frame);
        },
        messages: (msg) => this.#useMessages().notice(msg),
        active: (job) => {
          if (this.#messages === undefined) return;
          for (const entry of this.#book.jobs.get(job)?.members ?? [])
            this.#messages.active(entry.id as string);
        },
        stray: (id, encoded) => {
          const failure = decode(encoded) as TaskFailure;
          const open = this.#book.entry(id);
          if (open) {
            // A worker reports a late error only after the job settled there, so its outcome is in
            // Redis (or on its way): read it first — the error must never take the job's own slot.
            open.strays ??= [];
            open.strays.push(failure);
            if (open.job !== undefined) void this.#read(open.job);
            return;
          }
          this.#settled.sinkOf(id)?.stray(failure);
        },
      });
      this.#watch.connecting(performance.now());
    }
    return this.#link;
  }

  #useMessages(): ProducerMessages {
    this.#messages ??= new ProducerMessages(this.#ensureLink(), this.#book.byId, (e, f) => this.#abort(e, f));
    return this.#messages;
  }

  /** Settles from a job's outcome; one whose task sent messages waits for them (producer-messages.ts). */
  #settleOutcome(entry: Entry, result: Result<unknown>, mark: string | undefined): void {
    const settle = () => this.#settle(entry, result);
    if (mark === undefined || !this.#useMessages().settleAfter(entry, mark, settle)) settle();
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

  /**
   * Adds entries (already counted in flight) to Redis in one round trip: alone, or several short ones to
   * a job (bundle-policy.ts).
   */
  #add(batch: readonly Entry[]): void {
    const link = this.#ensureLink();
    const groups = this.#bundles.split(batch);
    const payloads = groups.map((group): JobPayload | BundlePayload =>
      group.length === 1
        ? (group[0]?.payload as JobPayload)
        : { v: 1, bundle: group.map((entry) => entry.payload as JobPayload) },
    );
    for (const entry of batch) {
      entry.state = 'adding';
      entry.runs++;
      this.#adding.add(entry);
    }
    link.addBulk(payloads).then(
      (ids) => {
        const now = performance.now();
        for (const [g, group] of groups.entries()) {
          this.#added(ids[g] as string, group, payloads[g] as JobPayload | BundlePayload, now);
        }
        this.#events.addsDone();
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
        this.#events.addsDone();
      },
    );
  }

  /** A job is in Redis: its entries are known by their task ids; those aborted meanwhile are stopped. */
  #added(job: string, group: readonly Entry[], payload: JobPayload | BundlePayload, now: number): void {
    for (const entry of group) this.#adding.delete(entry);
    const { record, aborted } = this.#book.register(job, group, payload, now);
    if (record === undefined) {
      this.#cancels.add(job, taskIdsOf(job, group.length), 'aborted before it started');
      this.#settled.discard(job);
      return;
    }
    if (this.#messages) for (const entry of record.members) this.#messages.added(entry);
    for (const entry of aborted) this.#stopBundled(record, entry, 'aborted before it started');
    this.#events.added(job);
  }

  /** Reads a job's stored state and settles the slots of its tasks when it is final. */
  async #read(job: string, sweep = false): Promise<void> {
    const link = this.#link;
    const record = this.#book.jobs.get(job);
    if (!link || !record || record.reading) return;
    const entries = record.members.filter((e) => e.state === 'added');
    if (entries.length === 0) return;
    record.reading = true;
    try {
      const verdict = await storedVerdict(link, {
        id: job,
        tasks: entries.map((e) => ({ index: e.index, runs: e.runs, returned: e.returned })),
        unlockedAt: record.unlockedAt,
        sweep,
        attempts: this.options.attempts,
      });
      if (verdict.kind === 'unlocked') record.unlockedAt = performance.now();
      else if (verdict.kind === 'pending') record.unlockedAt = 0;
      else {
        const again: Entry[] = [];
        for (const [i, v] of verdict.tasks.entries()) {
          const entry = entries[i] as Entry;
          if (entry.state !== 'added' || entry.job !== job) continue;
          if (v.kind === 'settle') {
            this.#settleOutcome(entry, v.result, v.mark);
            continue;
          }
          this.#messages?.release(entry);
          this.#leave(entry);
          // A task its worker fetched but never started: the same run again (#add counts one more).
          if (!v.started) {
            entry.runs--;
            entry.returned++;
          }
          again.push(entry);
        }
        if (again.length > 0) this.#add(again);
      }
    } catch {
      // Redis is unreachable: the watchdog decides when that fails the slot.
    } finally {
      record.reading = false;
    }
  }

  /** An entry leaves its job (settled, or added again elsewhere); a job left by all is removed. */
  #leave(entry: Entry): void {
    if (this.#book.leave(entry)) this.#settled.discard(entry.job as string);
  }

  #settle(entry: Entry, result: Result<unknown>): void {
    if (entry.state === 'done') return;
    const wasInflight = entry.state === 'adding' || entry.state === 'added';
    entry.state = 'done';
    this.#messages?.release(entry);
    if (entry.id !== undefined) {
      this.#leave(entry);
      this.#settled.remember(entry.id, entry.sink);
    }
    if (result.ok || result.ms > 0) this.#bundles.record(result.ms);
    if (wasInflight) this.#window.left();
    entry.sink.settle(result);
    for (const failure of entry.strays ?? []) entry.sink.stray(failure);
    this.#schedulePump();
  }

  #abort(entry: Entry, failure: TaskFailure): void {
    const record = entry.state === 'added' ? this.#book.jobs.get(entry.job as string) : undefined;
    this.#settle(entry, { ok: false, error: failure, ms: 0 });
    if (record === undefined) return;
    // The last task of its job: remove the job if it waits, cancel what runs. Else only this task stops.
    if (record.members.length === 0) {
      const job = entry.job as string;
      this.#cancels.add(job, taskIdsOf(job, record.size), failure.message);
    } else this.#stopBundled(record, entry, failure.message);
  }

  /**
   * Stops one task of a bundle whose other tasks go on: rewritten as cancelled in the stored data (a
   * worker that takes the job later skips it), cancelled on the worker that runs it.
   */
  #stopBundled(record: JobRecord, entry: Entry, reason: string): void {
    const rewrite = this.#book.cancelInData(record, entry, reason);
    if (rewrite === undefined) return;
    this.#cancels.addBundled(entry.job as string, entry.id as string, reason, rewrite.previous, rewrite.next);
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
      this.#watch.reset();
      this.#idle = setTimeout(() => void this.#closeLink(), this.options.lingerMs);
      this.#idle.unref();
      return;
    }
    if (!link) return;
    if (this.#watch.expired(link.ready, now)) {
      this.#failAll(
        crashed(
          `Redis at ${link.name} has been unreachable for ${this.options.connectTimeout} ms (connectTimeout): ${link.lastError}`,
          'ISOLANE_REDIS_UNREACHABLE',
        ),
      );
      return;
    }
    if (link.ready && now - this.#lastSweep >= this.options.sweepMs) {
      this.#lastSweep = now;
      // Jobs added since the last sweep are left to their events; older ones are read from Redis.
      for (const [job, record] of this.#book.jobs) {
        if (now - record.addedAt >= this.options.sweepMs) void this.#read(job, true);
      }
    }
  }

  #failAll(result: Result<unknown>): void {
    for (const entry of this.#window.drain()) this.#settle(entry, result);
    for (const entry of [...this.#book.byId.values()]) this.#settle(entry, result);
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
