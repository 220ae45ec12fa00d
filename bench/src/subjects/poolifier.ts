/**
 * Peer: poolifier's FixedThreadPool with default settings and the same thread count. Per-task timeout
 * through the AbortSignal `execute()` accepts. Its `destroy()` never settles on Node 20, so closing is
 * bounded (2 s, shorter than the others); the bench runs every session in a child process that exits
 * afterwards.
 */
import { FixedThreadPool } from 'poolifier';
import type { TaskName } from '../workers/tasks.js';
import { heapLimit } from './heap-limit.js';
import type { Subject } from './subject.js';
import { threadPoolPeer } from './thread-pool-peer.js';

const WORKER = new URL('../workers/poolifier-worker.js', import.meta.url);

/**
 * The poolifier subject.
 *
 * @example
 * ```ts
 * const session = await poolifierSubject().open({ concurrency: 2 });
 * ```
 */
export function poolifierSubject(): Subject {
  return threadPoolPeer({
    id: 'poolifier',
    label: 'poolifier 5',
    timeout: 'AbortSignal.timeout (from submission)',
    start(options) {
      const pool = new FixedThreadPool<unknown, unknown>(options.concurrency, WORKER.pathname, {
        errorHandler: () => {},
        // Its heap limit goes through `workerOptions`, and only when one is asked for.
        ...(options.memoryLimitMb ? { workerOptions: heapLimit(options.memoryLimitMb) } : {}),
      });
      const timeoutMs = options.timeoutMs ?? 0;
      return {
        run: (name: TaskName, arg?: unknown): Promise<unknown> =>
          timeoutMs > 0 ? pool.execute(arg, name, AbortSignal.timeout(timeoutMs)) : pool.execute(arg, name),
        destroy: () => pool.destroy(),
        closeWithinMs: 2_000,
      };
    },
  });
}
