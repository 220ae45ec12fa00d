/**
 * Peer: workerpool in thread mode, the same worker count, kept warm (`minWorkers`). Per-task timeout
 * through its promise's `.timeout()`, which terminates the worker.
 */
import workerpool from 'workerpool';
import type { TaskName } from '../workers/tasks.js';
import { bounded, runManyVia, type Session, type SessionOptions, type Subject } from './subject.js';

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
  return {
    id: 'workerpool',
    family: 'workerpool',
    label: 'workerpool 10',
    kind: 'peer',
    model: 'warm worker threads',
    features: {
      timeout: 'promise.timeout() terminates the worker',
      memoryLimit: true,
      perTask: false,
      processes: false,
      inProcess: false,
    },
    baselines: { cold: 'raw-worker', warm: 'raw-ping-pong', throughput: 'poolifier' },
    async open(options: SessionOptions): Promise<Session> {
      const pool = workerpool.pool(WORKER.pathname, {
        workerType: 'thread',
        minWorkers: options.concurrency,
        maxWorkers: options.concurrency,
        ...(options.memoryLimitMb
          ? { workerThreadOpts: { resourceLimits: { maxOldGenerationSizeMb: options.memoryLimitMb } } }
          : {}),
      });
      const timeoutMs = options.timeoutMs ?? 0;
      const run = (name: TaskName, arg?: unknown): Promise<unknown> => {
        const call = pool.exec(name, arg === undefined ? [] : [arg]);
        const limited = timeoutMs > 0 ? call.timeout(timeoutMs) : call;
        return new Promise((resolve, reject) => {
          limited.then(resolve, reject);
        });
      };
      return {
        run,
        runMany: (name, arg, count) => runManyVia(run, name, arg, count),
        close: async () => {
          const terminating = pool.terminate(true);
          await bounded(new Promise((resolve) => terminating.then(resolve, resolve)), 5_000);
        },
      };
    },
  };
}
