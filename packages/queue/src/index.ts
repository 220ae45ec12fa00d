/**
 * `@isolane/queue`: the `queue` driver — tasks run as BullMQ jobs on Redis by `isolane-worker` processes
 * on any machine, each on a local isolane driver — and the worker itself, for embedding.
 *
 * @example
 * ```ts
 * import { WaitGroup } from '@isolane/core';
 * await using wg = new WaitGroup({ driver: 'queue', concurrency: 32 }); // options: drivers.queue in the config
 * wg.go(userStats, 42);
 * const [r] = await wg.wait();
 * ```
 */
export {
  type ConnectionSpec,
  checkConnection,
  checkServer,
  describeConnection,
  MIN_REDIS_VERSION,
  type ServerCheck,
} from './connection.js';
export { DEFAULT_REDIS_URL, type QueueDriverOptions, resolveQueueOptions } from './options.js';
export { createDriver, QueueDriver } from './queue-driver.js';
export {
  QueueWorker,
  type QueueWorkerOptions,
  WORKER_RUNTIMES,
  type WorkerRuntime,
} from './queue-worker.js';
