/**
 * Peer: poolifier's FixedThreadPool with default settings and the same thread count. Per-task timeout
 * through the AbortSignal `execute()` accepts. Its `destroy()` never settles on Node 20, so closing is
 * bounded; the bench runs every session in a child process that exits afterwards.
 */
import { FixedThreadPool } from 'poolifier';
import type { TaskName } from '../workers/tasks.js';
import { bounded, runManyVia, type Session, type SessionOptions, type Subject } from './subject.js';

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
  return {
    id: 'poolifier',
    family: 'poolifier',
    label: 'poolifier 5',
    kind: 'peer',
    model: 'warm worker threads',
    features: {
      timeout: 'AbortSignal.timeout (from submission)',
      memoryLimit: true,
      perTask: false,
      processes: false,
      inProcess: false,
    },
    baselines: { cold: 'raw-worker', warm: 'raw-ping-pong', throughput: 'poolifier' },
    async open(options: SessionOptions): Promise<Session> {
      const pool = new FixedThreadPool<unknown, unknown>(options.concurrency, WORKER.pathname, {
        errorHandler: () => {},
        ...(options.memoryLimitMb
          ? { workerOptions: { resourceLimits: { maxOldGenerationSizeMb: options.memoryLimitMb } } }
          : {}),
      });
      const timeoutMs = options.timeoutMs ?? 0;
      const run = (name: TaskName, arg?: unknown): Promise<unknown> =>
        timeoutMs > 0 ? pool.execute(arg, name, AbortSignal.timeout(timeoutMs)) : pool.execute(arg, name);
      return {
        run,
        runMany: (name, arg, count) => runManyVia(run, name, arg, count),
        close: async () => {
          await bounded(pool.destroy(), 2_000);
        },
      };
    },
  };
}
