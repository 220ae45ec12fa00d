/**
 * The isolane `queue` driver as a bench subject: a `WaitGroup` on a `QueueDriver` (created by the
 * package's own `createDriver`, as `driver: 'queue'` would) whose jobs go through a private loopback
 * Redis to two local `isolane-worker` processes, each running them on its local pool driver. Module
 * tasks travel by path under the bench package, the root the producer and the workers share.
 */
import { fileURLToPath } from 'node:url';
import type { DriverFactory } from '@isolane/core';
import type { LocalWorker } from '@isolane/queue/testing';
import { IsolaneSession } from './isolane.js';
import {
  leaseRedis,
  QUEUE_NO_COLD,
  QUEUE_ROW,
  QUEUE_WINDOW,
  QUEUE_WORKERS,
  queueTesting,
  uniqueQueueName,
} from './queue-env.js';
import type { Session, SessionOptions, Subject } from './subject.js';

/** The workers' job lock, ms (`--lock-duration`; the default is 30,000). */
const BENCH_LOCK_MS = 2_000;
/** How often the workers look for jobs of dead workers, ms (`--stalled-interval`; default 30,000). */
const BENCH_STALLED_MS = 500;

/** The bench package: the root module tasks are named under, on both sides. */
const BENCH_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The `queue` subject.
 *
 * @example
 * ```ts
 * const session = await queueSubject().open({ concurrency: 2 });
 * await session.run('noop', 1); // 1, through Redis and a worker process
 * ```
 */
export function queueSubject(): Subject {
  return {
    id: 'queue',
    family: 'queue',
    label: 'isolane queue',
    kind: 'driver',
    // What a figure of this row includes beyond the raw BullMQ row: each task crosses from the worker's
    // main thread to a thread of its local pool and back (two thread wake-ups the raw processor does not
    // pay), a group per go(), and the removal of every settled job from Redis (raw BullMQ keeps them).
    // What it saves: once tasks are known to be short, up to 16 travel in one BullMQ job (each still its
    // own task on the worker), where the raw row pays a job per task.
    model: `BullMQ jobs on a private loopback redis-server, ${QUEUE_WORKERS} isolane-worker processes (local pool driver each: the task runs on a pool thread, not the worker's main thread); short tasks up to 16 per job once known short (maxTasksPerJob); settled jobs removed from Redis; workers started with --lock-duration ${BENCH_LOCK_MS} --stalled-interval ${BENCH_STALLED_MS}, so a worker that dies is noticed within the probes' deadline`,
    features: {
      timeout: 'on the worker: its local driver terminates the task',
      memoryLimit: true,
      perTask: false,
      processes: true,
      inProcess: false,
      noCold: QUEUE_NO_COLD,
    },
    baselines: { warm: 'raw-bullmq', throughput: 'raw-bullmq' },
    ...QUEUE_ROW,
    async open(options: SessionOptions): Promise<Session> {
      const { startLocalWorker } = await queueTesting();
      const { createDriver } = (await import('@isolane/queue')) as { createDriver: DriverFactory };
      const lease = await leaseRedis();
      const queueName = uniqueQueueName('queue');
      const workers: LocalWorker[] = [];
      try {
        for (let i = 0; i < QUEUE_WORKERS; i++) {
          workers.push(
            await startLocalWorker({
              args: [
                '--redis',
                lease.redis.url,
                '--queue',
                queueName,
                '--root',
                BENCH_ROOT,
                '--concurrency',
                String(options.concurrency),
                // A worker killed by its task (the native-crash probe) is found within ~2.5 s, inside the
                // probes' deadline; the defaults (30 s + 30 s) would show it as hung.
                '--lock-duration',
                String(BENCH_LOCK_MS),
                '--stalled-interval',
                String(BENCH_STALLED_MS),
              ],
            }),
          );
        }
        const driver = createDriver({
          concurrency: QUEUE_WINDOW,
          ...(options.memoryLimitMb !== undefined ? { memoryLimitMb: options.memoryLimitMb } : {}),
          options: { connection: lease.redis.url, queueName, root: BENCH_ROOT },
        });
        return new IsolaneSession(driver, options, async () => {
          await Promise.all(workers.map((w) => w.stop(5_000)));
          await lease.release();
        });
      } catch (err) {
        await Promise.all(workers.map((w) => w.stop(5_000)));
        await lease.release();
        throw err;
      }
    },
  };
}
