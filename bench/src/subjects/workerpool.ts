/**
 * Peer: workerpool in thread mode, the same worker count, kept warm (`minWorkers`). Per-task timeout
 * through its promise's `.timeout()`, which terminates the worker. Its promises are its own (not
 * native), so each is turned into a native one before the bench awaits it.
 */
import workerpool from 'workerpool';
import type { TaskName } from '../workers/tasks.js';
import { heapLimit } from './heap-limit.js';
import type { Subject } from './subject.js';
import { threadPoolPeer } from './thread-pool-peer.js';

const WORKER = new URL('../workers/workerpool-worker.js', import.meta.url);

/**
 * The workerpool subject.
 *
 * @example
 * ```ts
 * const session = await workerpoolSubject().open({ concurrency: 2 });
 * ```
 */
export function workerpoolSubject(): Subject {
  return threadPoolPeer({
    id: 'workerpool',
    label: 'workerpool 10',
    timeout: 'promise.timeout() terminates the worker',
    start(options) {
      const pool = workerpool.pool(WORKER.pathname, {
        workerType: 'thread',
        minWorkers: options.concurrency,
        maxWorkers: options.concurrency,
        // Its heap limit goes through `workerThreadOpts`, and only when one is asked for.
        ...(options.memoryLimitMb ? { workerThreadOpts: heapLimit(options.memoryLimitMb) } : {}),
      });
      const timeoutMs = options.timeoutMs ?? 0;
      return {
        run: (name: TaskName, arg?: unknown): Promise<unknown> => {
          const call = pool.exec(name, arg === undefined ? [] : [arg]);
          const limited = timeoutMs > 0 ? call.timeout(timeoutMs) : call;
          return new Promise((resolve, reject) => {
            limited.then(resolve, reject);
          });
        },
        destroy: () => {
          const terminating = pool.terminate(true);
          return new Promise((resolve) => terminating.then(resolve, resolve));
        },
        closeWithinMs: 5_000,
      };
    },
  });
}
