/**
 * The setup most queue test files share: a private Redis for the file (started in `beforeAll`, removed in
 * `afterAll`), the isolane-worker processes the file started on it (all stopped in `afterAll`), producer
 * drivers on it, and the closing check that no worker process (or anything a worker started) is left.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { QueueDriver, type QueueDriverOptions } from '../../src/index.js';
import { type PrivateRedis, startRedis } from './redis-server.js';
import { noMarkedLeft, REPO_ROOT, startWorker, type TestWorker } from './workers.js';

/** `isolane-worker` arguments serving `queue` on `redisUrl` with module tasks under the repo root. */
export function workerArgs(
  redisUrl: string,
  queue: string,
  concurrency: number,
  extra: readonly string[] = [],
): string[] {
  return [
    '--redis',
    redisUrl,
    '--queue',
    queue,
    '--root',
    REPO_ROOT,
    '--concurrency',
    String(concurrency),
    ...extra,
  ];
}

/** Workers to start for the whole file, right after its Redis. */
export interface FileWorkers {
  readonly queue: string;
  readonly concurrency: number;
  /** How many worker processes (default 1). */
  readonly count?: number;
}

/** What {@link useQueueTestEnv} gives a test file. */
export interface QueueTestEnv {
  /** The file's private Redis (set once `beforeAll` has run). */
  readonly redis: PrivateRedis;
  /** Every worker started through this env, stopped in `afterAll`. */
  readonly workers: TestWorker[];
  /** Starts an isolane-worker with exactly `args` (see {@link workerArgs}), tracked for teardown. */
  startWorker(args: readonly string[], nodeArgs?: readonly string[]): Promise<TestWorker>;
  /** A producer driver for `queue` on the file's Redis, with module tasks under the repo root. */
  driver(queue: string, concurrency: number, extra?: Partial<QueueDriverOptions>): QueueDriver;
  /** Stops every tracked worker. */
  stopWorkers(): Promise<void>;
}

/**
 * Registers the file's `beforeAll`/`afterAll`: a private Redis, then `serve`'s workers if given.
 *
 * @example
 * ```ts
 * const env = useQueueTestEnv({ queue, concurrency: 2 });
 * const d = env.driver(queue, 2);
 * ```
 */
export function useQueueTestEnv(serve?: FileWorkers, startMs = 60_000): QueueTestEnv {
  let redis: PrivateRedis | undefined;
  const workers: TestWorker[] = [];
  const env: QueueTestEnv = {
    get redis(): PrivateRedis {
      if (!redis) throw new Error('the private Redis is not started yet (use env.redis inside a test)');
      return redis;
    },
    workers,
    async startWorker(args, nodeArgs = []) {
      const w = await startWorker(args, 60_000, nodeArgs);
      workers.push(w);
      return w;
    },
    driver(queue, concurrency, extra = {}) {
      return new QueueDriver({
        concurrency,
        options: { connection: env.redis.url, queueName: queue, root: REPO_ROOT, ...extra },
      });
    },
    async stopWorkers() {
      await Promise.all(workers.map((w) => w.stop()));
    },
  };
  beforeAll(async () => {
    redis = await startRedis();
    if (serve) {
      const args = workerArgs(redis.url, serve.queue, serve.concurrency);
      const count = serve.count ?? 1;
      workers.push(...(await Promise.all(Array.from({ length: count }, () => startWorker(args)))));
    }
  }, startMs);
  afterAll(async () => {
    await env.stopWorkers();
    await redis?.dispose();
  }, 60_000);
  return env;
}

/**
 * The closing test of a file: stops its workers and checks that no marked process is left.
 *
 * @example
 * ```ts
 * itLeavesNoWorkerProcess(env);
 * ```
 */
export function itLeavesNoWorkerProcess(env: QueueTestEnv): void {
  it('no worker process (or anything a worker started) is left', async () => {
    await env.stopWorkers();
    expect(await noMarkedLeft()).toEqual([]);
  }, 60_000);
}

/**
 * Waits until at least `n` jobs of `queue` on the Redis at `port` are active (running on a worker),
 * failing after `ms`.
 *
 * @example
 * ```ts
 * await untilActiveJobs(env.redis.port, queue, 2);
 * ```
 */
export async function untilActiveJobs(port: number, queue: string, n: number, ms = 30_000): Promise<void> {
  const q = new Queue(queue, { connection: { host: '127.0.0.1', port } });
  try {
    const deadline = Date.now() + ms;
    while ((await q.getActiveCount()) < n) {
      if (Date.now() > deadline) throw new Error(`fewer than ${n} active jobs after ${ms} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await q.close();
  }
}
