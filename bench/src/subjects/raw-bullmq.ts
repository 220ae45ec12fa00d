/**
 * Baseline of the queue driver: BullMQ by hand, as a user would write it — a `Queue` to add jobs, a
 * `QueueEvents` reader to learn their outcome, and two worker processes each running a BullMQ `Worker`
 * whose processor runs the task in its own process (no isolation). Same private loopback Redis, same
 * number of workers and the same concurrency per worker as the `queue` row. Its jobs stay in Redis (BullMQ's
 * default); the `queue` row removes each once its outcome is read, and runs each task on a pool thread.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Job, Queue, QueueEvents } from 'bullmq';
import type { TaskName } from '../workers/tasks.js';
import {
  leaseRedis,
  QUEUE_NO_COLD,
  QUEUE_ROW,
  QUEUE_WINDOW,
  QUEUE_WORKERS,
  queueTesting,
  type RedisLease,
  uniqueQueueName,
} from './queue-env.js';
import { bounded, type Session, type SessionOptions, type Subject } from './subject.js';

const WORKER = new URL('../workers/raw-bullmq-worker.js', import.meta.url);

/** Starts one raw worker process and waits for its ready line. */
async function startRawWorker(url: string, queue: string, concurrency: number): Promise<ChildProcess> {
  const { killedWithParent } = await queueTesting();
  const [command, argv] = killedWithParent(process.execPath, [
    WORKER.pathname,
    url,
    queue,
    String(concurrency),
  ]);
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`raw BullMQ worker not ready within 60 s: ${out}`));
    }, 60_000);
    const on = (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`raw BullMQ worker exited (${code}) before ready: ${out}`));
    });
  });
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await gone;
  clearTimeout(timer);
}

type Waiter = { resolve(value: unknown): void; reject(err: Error): void };

class RawBullmqSession implements Session {
  readonly #lease: RedisLease;
  readonly #queue: Queue;
  readonly #events: QueueEvents;
  readonly #workers: ChildProcess[];
  /** Outcomes by job id; an event for a job whose add() has not answered yet waits in #early. */
  readonly #waiting = new Map<string, Waiter>();
  readonly #early = new Map<string, { ok: boolean; value: unknown }>();

  constructor(lease: RedisLease, queue: Queue, events: QueueEvents, workers: ChildProcess[]) {
    this.#lease = lease;
    this.#queue = queue;
    this.#events = events;
    this.#workers = workers;
    events.on('completed', ({ jobId, returnvalue }) => this.#outcome(jobId, true, returnvalue));
    events.on('failed', ({ jobId, failedReason }) => this.#outcome(jobId, false, failedReason));
  }

  #outcome(id: string, ok: boolean, value: unknown): void {
    const waiter = this.#waiting.get(id);
    if (!waiter) {
      this.#early.set(id, { ok, value });
      return;
    }
    this.#waiting.delete(id);
    if (ok) waiter.resolve(value);
    else waiter.reject(new Error(String(value)));
  }

  #wait(job: Job): Promise<unknown> {
    const id = String(job.id);
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      const early = this.#early.get(id);
      if (early) {
        this.#early.delete(id);
        this.#outcome(id, early.ok, early.value);
      }
    });
  }

  run(name: TaskName, arg?: unknown): Promise<unknown> {
    return this.#queue.add('task', { name, arg }).then((job) => this.#wait(job));
  }

  async runMany(name: TaskName, arg: unknown, count: number): Promise<number> {
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < count; i += QUEUE_WINDOW) {
      const n = Math.min(QUEUE_WINDOW, count - i);
      const jobs = await this.#queue.addBulk(
        Array.from({ length: n }, () => ({ name: 'task', data: { name, arg } })),
      );
      for (const job of jobs) pending.push(this.#wait(job));
    }
    let ok = 0;
    for (const s of await Promise.allSettled(pending)) if (s.status === 'fulfilled') ok++;
    return ok;
  }

  async close(): Promise<void> {
    for (const waiter of this.#waiting.values()) waiter.reject(new Error('the session is closed'));
    this.#waiting.clear();
    await bounded(
      Promise.allSettled([this.#events.close(), this.#queue.close()]).then(() => undefined),
      5_000,
    );
    await Promise.all(this.#workers.map(stopChild));
    await this.#lease.release();
  }
}

/**
 * The raw BullMQ subject.
 *
 * @example
 * ```ts
 * const session = await rawBullmqSubject().open({ concurrency: 2 });
 * ```
 */
export function rawBullmqSubject(): Subject {
  return {
    id: 'raw-bullmq',
    family: 'raw-bullmq',
    label: 'raw BullMQ',
    kind: 'baseline',
    model: `hand-written: Queue.add + QueueEvents, ${QUEUE_WORKERS} worker processes running BullMQ Workers (task on the worker's main thread, no isolation), jobs never removed, private loopback redis-server`,
    features: {
      timeout: null,
      memoryLimit: false,
      perTask: false,
      processes: true,
      inProcess: false,
      noProbes: 'a timing floor, not a runtime: its processor runs the task in the worker process itself',
      noCold: QUEUE_NO_COLD,
    },
    baselines: {},
    ...QUEUE_ROW,
    async open(options: SessionOptions): Promise<Session> {
      const { Queue, QueueEvents } = await import('bullmq');
      const lease = await leaseRedis();
      const name = uniqueQueueName('raw');
      const workers: ChildProcess[] = [];
      try {
        for (let i = 0; i < QUEUE_WORKERS; i++)
          workers.push(await startRawWorker(lease.redis.url, name, options.concurrency));
        const connection = { host: '127.0.0.1', port: lease.redis.port };
        // The events stream keeps more than the default 10,000 entries: a throughput run adds that many
        // jobs at once, and their events must not be trimmed before this reader has seen them.
        const queue = new Queue(name, { connection, streams: { events: { maxLen: 200_000 } } });
        const events = new QueueEvents(name, { connection });
        await events.waitUntilReady();
        await queue.waitUntilReady();
        return new RawBullmqSession(lease, queue, events, workers);
      } catch (err) {
        await Promise.all(workers.map(stopChild));
        await lease.release();
        throw err;
      }
    },
  };
}
