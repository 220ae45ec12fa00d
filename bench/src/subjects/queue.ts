/**
 * The isolane `queue` driver as a bench subject: a `WaitGroup` on a `QueueDriver` (created by the
 * package's own `createDriver`, as `driver: 'queue'` would) whose jobs go through a private loopback
 * Redis to two local `isolane-worker` processes, each running them on its local pool driver. Module
 * tasks travel by path under the bench package, the root the producer and the workers share.
 */
import { fileURLToPath } from 'node:url';
import type { Driver, DriverFactory, TaskFailure } from '@isolane/core';
import { WaitGroup } from '@isolane/core';
import type { LocalWorker } from '@isolane/queue/testing';
import * as IN_MODULE_TASKS from '../workers/isolane-module-tasks.js';
import { MODULE_TASKS } from '../workers/isolane-tasks.js';
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

/** The bench package: the root module tasks are named under, on both sides. */
const BENCH_ROOT = fileURLToPath(new URL('../../', import.meta.url));

class QueueSession implements Session {
  readonly #driver: Driver;
  readonly #workers: readonly LocalWorker[];
  readonly #lease: RedisLease;
  readonly #groupOptions: ConstructorParameters<typeof WaitGroup>[0];
  readonly #tasks: Record<TaskName, (arg?: unknown) => unknown>;
  readonly lateErrors: string[] = [];

  constructor(driver: Driver, workers: readonly LocalWorker[], lease: RedisLease, options: SessionOptions) {
    this.#driver = driver;
    this.#workers = workers;
    this.#lease = lease;
    this.#tasks = options.tasksImportCore
      ? (IN_MODULE_TASKS satisfies Record<TaskName, unknown>)
      : MODULE_TASKS;
    this.#groupOptions = {
      driver,
      timeout: options.timeoutMs ?? 0,
      globals: [],
      onError: (failure: TaskFailure) => this.lateErrors.push(`${failure.kind}: ${failure.message}`),
    };
  }

  run(name: TaskName, arg?: unknown): Promise<unknown> {
    const wg = new WaitGroup(this.#groupOptions);
    wg.go(this.#tasks[name], arg);
    return wg.wait().then(([result]) => {
      if (!result) throw new Error('the group returned no result');
      if (result.ok) return result.value;
      const err = new Error(`${result.error.kind}: ${result.error.name}: ${result.error.message}`);
      err.name = 'TaskFailure';
      throw err;
    });
  }

  async runMany(name: TaskName, arg: unknown, count: number): Promise<number> {
    const wg = new WaitGroup(this.#groupOptions);
    const task = this.#tasks[name];
    for (let i = 0; i < count; i++) wg.go(task, arg);
    let ok = 0;
    for (const r of await wg.wait()) if (r.ok) ok++;
    return ok;
  }

  async close(): Promise<void> {
    await bounded(this.#driver.close(), 10_000);
    await Promise.all(this.#workers.map((w) => w.stop(5_000)));
    await this.#lease.release();
  }
}

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
    model: `BullMQ jobs on a private loopback redis-server, ${QUEUE_WORKERS} isolane-worker processes (local pool driver each)`,
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
              ],
            }),
          );
        }
        const driver = createDriver({
          concurrency: QUEUE_WINDOW,
          ...(options.memoryLimitMb !== undefined ? { memoryLimitMb: options.memoryLimitMb } : {}),
          options: { connection: lease.redis.url, queueName, root: BENCH_ROOT },
        });
        return new QueueSession(driver, workers, lease, options);
      } catch (err) {
        await Promise.all(workers.map((w) => w.stop(5_000)));
        await lease.release();
        throw err;
      }
    },
  };
}
