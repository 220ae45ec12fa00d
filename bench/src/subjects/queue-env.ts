/**
 * What the two queue rows (the isolane `queue` driver and the raw BullMQ baseline) run on: a private
 * loopback `redis-server` started by the bench itself (shared by every queue session of one process, so
 * a paired measure compares both on the same server) and two local worker processes per session. The
 * server and worker helpers come from `@isolane/queue/testing`; when `redis-server` is not installed, or
 * the queue package is not built, both rows are reported unavailable with the reason, never run.
 */
import type { PrivateRedis } from '@isolane/queue/testing';
import type { Plan } from '../plan.js';

/** Worker processes each queue session starts. */
export const QUEUE_WORKERS = 2;

/**
 * Jobs in Redis at once per queue session: the producer's window (the raw baseline adds everything at
 * once, in chunks of this size).
 */
export const QUEUE_WINDOW = 1_000;

type Testing = typeof import('@isolane/queue/testing');

let testing: Promise<Testing> | undefined;

/**
 * The queue package's testing helpers (private Redis, local workers), loaded on first use.
 *
 * @example
 * ```ts
 * const { startLocalWorker } = await queueTesting();
 * ```
 */
export function queueTesting(): Promise<Testing> {
  testing ??= import('@isolane/queue/testing');
  return testing;
}

/**
 * Why the queue rows cannot run here, or undefined when they can.
 *
 * @example
 * ```ts
 * await queueUnavailable(); // 'redis-server is not installed: ...' on a machine without Redis
 * ```
 */
export async function queueUnavailable(): Promise<string | undefined> {
  let t: Testing;
  try {
    t = await queueTesting();
  } catch (err) {
    return `@isolane/queue is not built or not installed: ${String((err as Error).message).split('\n')[0]}`;
  }
  if (t.findRedisServer() === undefined) {
    return `skipped: redis-server is not installed (the queue rows start a private loopback Redis; ${t.INSTALL_REDIS_HINT})`;
  }
  return undefined;
}

let shared: { redis: Promise<PrivateRedis>; users: number } | undefined;

/** A handle on the process's private Redis; `release()` stops it once its last user is gone. */
export interface RedisLease {
  readonly redis: PrivateRedis;
  release(): Promise<void>;
}

/**
 * The process's private loopback Redis (started on first use: no persistence, `noeviction`).
 *
 * @example
 * ```ts
 * const lease = await leaseRedis();
 * lease.redis.url; // 'redis://127.0.0.1:40123'
 * await lease.release();
 * ```
 */
export async function leaseRedis(): Promise<RedisLease> {
  if (!shared) {
    const { startRedis } = await queueTesting();
    shared ??= { redis: startRedis(['--appendonly', 'no']), users: 0 };
  }
  const entry = shared;
  entry.users++;
  let redis: PrivateRedis;
  try {
    redis = await entry.redis;
  } catch (err) {
    entry.users--;
    if (shared === entry) shared = undefined;
    throw err;
  }
  let released = false;
  return {
    redis,
    async release() {
      if (released) return;
      released = true;
      if (--entry.users > 0) return;
      if (shared === entry) shared = undefined;
      await redis.dispose();
    },
  };
}

let queues = 0;

/**
 * A queue name unique to this process and session.
 *
 * @example
 * ```ts
 * uniqueQueueName('iso'); // 'bench-iso-4242-1'
 * ```
 */
export function uniqueQueueName(label: string): string {
  queues++;
  return `bench-${label}-${process.pid}-${queues}`;
}

/** Why neither queue row has a cold start figure. */
export const QUEUE_NO_COLD = 'starting Redis and worker processes is deployment, not a task start';

/**
 * What both queue rows share: when they can run, and their task count in the throughput measure.
 *
 * @example
 * ```ts
 * const subject: Subject = { ...QUEUE_ROW, id: 'queue', ... };
 * ```
 */
export const QUEUE_ROW = {
  /** A private redis-server and two worker processes start in open(): seconds on a busy machine. */
  setupMs: 15_000,
  unavailable: queueUnavailable,
  throughputTasks: (plan: Plan): number => plan.throughput.queueTasks,
} as const;
