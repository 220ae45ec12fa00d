/**
 * The producer's connections to one queue: a command client (adds, reads, removes, publishes), a
 * QueueEvents reader (completion events: a wake-up, whose "completed" record carries the value stored with
 * the job in the same atomic write; a missed event is covered by the driver's sweep of stored states) and a
 * subscriber for the control channel (late errors reported by workers). Opened lazily, closed when the
 * driver idles, so an idle driver never keeps its process alive.
 */
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { bullmqConnection, checkServer, describeConnection, newRedis, redisOptions } from './connection.js';
import type { ResolvedQueueOptions } from './options.js';
import { removeFinished } from './remove-finished.js';
import {
  type BundlePayload,
  type ControlMessage,
  controlChannel,
  type JobPayload,
  startedField,
} from './wire.js';

/** What a finished (or unfinished) job holds in Redis. */
export interface StoredJob {
  readonly returnvalue: unknown;
  readonly failedReason: string;
  /** 0 while the job has not finished. */
  readonly finishedOn: number;
  /** 0 while no worker has taken the job. */
  readonly processedOn: number;
  /**
   * Per task asked about: a worker started it on its local driver (not only fetched it: job-gate.ts).
   */
  readonly started: readonly boolean[];
}

/** What the link tells the driver. */
export interface LinkHandlers {
  /**
   * A job completed. `returnvalue` is the value BullMQ stored in the job: the "completed" event is
   * written by the same atomic script that stores it, so it is the stored state, not a second source.
   */
  completed(jobId: string, returnvalue: unknown): void;
  /** A job failed: read its stored state. */
  finished(jobId: string): void;
  /** A worker reported a late error of a job. */
  stray(jobId: string, encodedFailure: string): void;
  /** A job's progress was written (an isolane task's progress report: task-frames.ts). */
  progress?(jobId: string, data: unknown): void;
  /** A notice of task messages on the control channel (producer-messages.ts). */
  messages?(msg: Extract<ControlMessage, { type: 'messages' }>): void;
  /** A worker took a job. */
  active?(jobId: string): void;
}

const warned = new Set<string>();

/** Compare-and-set of a job's `data` field (see {@link ProducerLink.rewriteData}). */
const REWRITE_DATA = `
if redis.call('HGET', KEYS[1], 'data') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'data', ARGV[2])
  return 1
end
return 0
`;

/** The job fields {@link ProducerLink.stored} reads first, in this order (the started marks follow). */
const STORED_FIELDS = ['returnvalue', 'failedReason', 'finishedOn', 'timestamp', 'processedOn'] as const;

/**
 * Connections of a producer to one queue.
 *
 * @example
 * ```ts
 * const link = new ProducerLink(resolveQueueOptions({}), { finished: console.log, stray: console.log });
 * await link.add(payload);
 * await link.close();
 * ```
 */
export class ProducerLink {
  readonly name: string;
  readonly #client: Redis;
  readonly #sub: Redis;
  readonly #queue: Queue;
  #events: QueueEvents | undefined;
  /** Settles once the events reader exists, reading from before the first job this link adds. */
  readonly #eventsReady: Promise<void>;
  /** The control channel's subscription (a worker's notices published before it would be lost). */
  readonly #subscribed: Promise<unknown>;
  readonly #channel: string;
  #lastError = '';
  #closing = false;
  /** Reads waiting for this turn's pipeline. */
  #reads: {
    key: string;
    fields: readonly string[];
    resolve: (fields: (string | null)[]) => void;
    reject: (err: Error) => void;
  }[] = [];

  constructor(opts: ResolvedQueueOptions, handlers: LinkHandlers) {
    this.name = describeConnection(opts.connection);
    const base = redisOptions(opts.connection, opts.connectTimeout);
    // Once closing, no connection (BullMQ's own included) may go on reconnecting: its timers would keep
    // the process alive when Redis is unreachable.
    const retry = base.retryStrategy;
    const options = {
      ...base,
      retryStrategy: (times: number) => (this.#closing ? null : (retry?.(times) ?? null)),
    };
    // No auto-pipelining: a lone add (a caller awaiting each result) is written at once, not on the
    // pipeline's next turn of the event loop; bursts travel as one MULTI (adds) or one script call per
    // batch (removals) anyway.
    this.#client = newRedis(options);
    this.#sub = newRedis(options);
    const onError = (err: Error) => {
      this.#lastError = err.message || String(err);
    };
    this.#client.on('error', onError);
    this.#sub.on('error', onError);
    this.#client.once('ready', () => {
      if (warned.has(this.name)) return;
      warned.add(this.name);
      checkServer(this.#client, this.name).then(
        (check) => {
          for (const w of check.warnings) process.emitWarning(w, { code: 'ISOLANE_REDIS_CHECK' });
        },
        () => warned.delete(this.name),
      );
    });
    this.#queue = new Queue(opts.queueName, { connection: this.#client, prefix: opts.prefix });
    this.#queue.on('error', onError);
    // A reader started at '$' misses what is written before its first blocking read (BullMQ #2517):
    // it starts instead from the stream's last entry, read before this link adds anything.
    this.#eventsReady = this.#client
      .xrevrange(this.#queue.toKey('events'), '+', '-', 'COUNT', 1)
      .then(
        (last) => last[0]?.[0] ?? '0-0',
        () => '$',
      )
      .then((lastEventId) => {
        if (this.#closing) return;
        const events = new QueueEvents(opts.queueName, {
          connection: bullmqConnection(options),
          prefix: opts.prefix,
          lastEventId,
        });
        events.on('error', onError);
        events.on('completed', ({ jobId, returnvalue }) => handlers.completed(jobId, returnvalue));
        events.on('failed', ({ jobId }) => handlers.finished(jobId));
        events.on('progress', ({ jobId, data }) => handlers.progress?.(jobId, data));
        if (handlers.active) events.on('active', ({ jobId }) => handlers.active?.(jobId));
        this.#events = events;
      });
    this.#channel = controlChannel(opts.prefix, opts.queueName);
    this.#subscribed = this.#sub.subscribe(this.#channel).catch(onError);
    this.#sub.on('message', (_channel: string, text: string) => {
      let msg: ControlMessage;
      try {
        msg = JSON.parse(text) as ControlMessage;
      } catch {
        return;
      }
      if (msg?.type === 'stray' && typeof msg.jobId === 'string' && typeof msg.failure === 'string') {
        handlers.stray(msg.jobId, msg.failure);
      } else if (msg?.type === 'messages' && typeof msg.jobId === 'string') {
        handlers.messages?.(msg);
      }
    });
  }

  /** The command connection (task messages write and read their streams through it). */
  get client(): Redis {
    return this.#client;
  }

  /** The queue's control channel. */
  get channel(): string {
    return this.#channel;
  }

  /** The Redis key of a job. */
  jobKey(jobId: string): string {
    return this.#queue.toKey(jobId);
  }

  /** True while the command connection is up. */
  get ready(): boolean {
    return this.#client.status === 'ready';
  }

  /** The last connection error seen, for messages. */
  get lastError(): string {
    return this.#lastError || `connection status "${this.#client.status}"`;
  }

  /**
   * Adds jobs in one round trip, in order: one job by BullMQ's add script, several in one MULTI
   * (`addBulk`). Results are never removed by BullMQ before the driver has read them (it removes each
   * job itself once its slot is settled).
   */
  async addBulk(payloads: readonly (JobPayload | BundlePayload)[]): Promise<string[]> {
    // Nothing is added before the control channel is subscribed: a task's first `messages` notice (or a
    // late error) published while this link was still subscribing would reach no one, and a task awaiting
    // its caller's reply would wait for its timeout (seen once in CI on a loaded machine).
    await Promise.all([this.#eventsReady, this.#subscribed]);
    const opts = { attempts: 1, removeOnComplete: false, removeOnFail: false };
    const jobs =
      payloads.length === 1
        ? [await this.#queue.add('task', payloads[0] as JobPayload | BundlePayload, opts)]
        : await this.#queue.addBulk(payloads.map((data) => ({ name: 'task', data, opts })));
    return jobs.map((job) => {
      if (job.id === undefined) throw new Error('BullMQ returned a job without an id');
      return job.id;
    });
  }

  /**
   * The stored outcome fields of a job (not its arguments), with the started marks of the tasks at
   * `indices` (undefined: the task alone in the job), or undefined when the job is gone.
   */
  async stored(
    jobId: string,
    indices: readonly (number | undefined)[] = [undefined],
  ): Promise<StoredJob | undefined> {
    // `timestamp` is set when a job is added: its absence means the job is gone (one command, no Lua).
    const fields = await this.#read(this.#queue.toKey(jobId), [
      ...STORED_FIELDS,
      ...indices.map((i) => startedField(i)),
    ]);
    const [returnvalue, failedReason, finishedOn, timestamp, processedOn] = fields;
    if (timestamp === null || timestamp === undefined) return undefined;
    let value: unknown = null;
    if (returnvalue) {
      try {
        value = JSON.parse(returnvalue);
      } catch {
        value = returnvalue;
      }
    }
    return {
      returnvalue: value,
      failedReason: failedReason ?? '',
      finishedOn: finishedOn ? Number(finishedOn) : 0,
      processedOn: processedOn ? Number(processedOn) : 0,
      started: fields.slice(STORED_FIELDS.length).map((mark) => mark !== null && mark !== undefined),
    };
  }

  /** HMGET of a job's fields; the reads of one turn (a sweep) go out in one write. */
  #read(key: string, fields: readonly string[]): Promise<(string | null)[]> {
    return new Promise((resolve, reject) => {
      if (this.#reads.push({ key, fields, resolve, reject }) === 1) queueMicrotask(() => this.#flushReads());
    });
  }

  #flushReads(): void {
    const batch = this.#reads;
    this.#reads = [];
    const pipe = this.#client.pipeline();
    for (const r of batch) pipe.hmget(r.key, ...r.fields);
    pipe.exec().then(
      (replies) => {
        for (const [i, r] of batch.entries()) {
          const [err, value] = replies?.[i] ?? [new Error('Redis returned no reply')];
          if (err) r.reject(err);
          else r.resolve(value as (string | null)[]);
        }
      },
      (err: Error) => {
        for (const r of batch) r.reject(err);
      },
    );
  }

  /**
   * True while a worker holds the job's lock. A started, unfinished job without a lock belongs to a
   * worker that stopped renewing it (dead, or cut off from Redis for longer than its lock duration).
   */
  async locked(jobId: string): Promise<boolean> {
    return (await this.#client.exists(this.#queue.toKey(`${jobId}:lock`))) === 1;
  }

  /** Removes a job (a waiting one never runs); a locked (running) one is left to its worker. */
  async remove(jobId: string): Promise<void> {
    try {
      await this.#queue.remove(jobId, { removeChildren: false });
    } catch {
      // locked by a worker: the cancel message reaches it, and it removes the job itself
    }
  }

  /**
   * Removes settled jobs: finished ones in batches (one script call per batch, no per-job event), any
   * other (waiting, or started by a worker that died) one by one, the general way.
   */
  async removeSettled(jobIds: readonly string[]): Promise<void> {
    let missed: string[];
    try {
      missed = await removeFinished(this.#client, this.#queue.toKey(''), jobIds);
    } catch {
      missed = [...jobIds];
    }
    await Promise.all(missed.map((id) => this.remove(id)));
  }

  /**
   * Replaces a job's data with `next` if it still is `previous` (both JSON text, as BullMQ stores it): a
   * bundled task aborted while its job waits is rewritten as cancelled, so no worker runs it. A job that
   * is gone or changed is left alone.
   */
  async rewriteData(jobId: string, previous: string, next: string): Promise<void> {
    const c = this.#client as Redis & {
      isolaneRewriteData?(key: string, previous: string, next: string): Promise<number>;
    };
    if (typeof c.isolaneRewriteData !== 'function') {
      c.defineCommand('isolaneRewriteData', { numberOfKeys: 1, lua: REWRITE_DATA });
    }
    await c.isolaneRewriteData?.(this.#queue.toKey(jobId), previous, next);
  }

  /** Asks every worker to stop a running task (by its task id, wire.ts `taskId`). */
  async cancel(jobId: string, reason: string): Promise<void> {
    const msg: ControlMessage = { type: 'cancel', jobId, reason };
    await this.#client.publish(this.#channel, JSON.stringify(msg));
  }

  /** Closes every connection; never throws, never waits long for an unreachable Redis. */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#client.status !== 'ready') {
      // Redis is unreachable: nothing to say goodbye to.
      this.#client.disconnect();
      this.#sub.disconnect();
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([this.#events?.close(), this.#queue.close()]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, 2_000);
      }),
    ]);
    if (timer) clearTimeout(timer);
    for (const c of [this.#sub, this.#client]) {
      try {
        if (c.status === 'ready') await c.quit();
        else c.disconnect();
      } catch {
        c.disconnect();
      }
    }
  }
}
