/**
 * Peer: tinypool (vitest's pool), default settings and the same thread count. Per-task timeout through
 * an AbortSignal, counting from submission.
 */
import Tinypool from 'tinypool';
import type { TaskName } from '../workers/tasks.js';
import { bounded, runManyVia, type Session, type SessionOptions, type Subject } from './subject.js';

const TASKS = new URL('../workers/tasks.js', import.meta.url).href;

/**
 * The tinypool subject.
 *
 * @example
 * ```ts
 * const session = await tinypoolSubject().open({ concurrency: 2 });
 * ```
 */
export function tinypoolSubject(): Subject {
  return {
    id: 'tinypool',
    family: 'tinypool',
    label: 'tinypool 2',
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
      const pool = new Tinypool({
        filename: TASKS,
        minThreads: options.concurrency,
        maxThreads: options.concurrency,
        ...(options.memoryLimitMb
          ? { resourceLimits: { maxOldGenerationSizeMb: options.memoryLimitMb } }
          : {}),
      });
      const timeoutMs = options.timeoutMs ?? 0;
      const run = (name: TaskName, arg?: unknown): Promise<unknown> =>
        pool.run(arg, timeoutMs > 0 ? { name, signal: AbortSignal.timeout(timeoutMs) } : { name });
      return {
        run,
        runMany: (name, arg, count) => runManyVia(run, name, arg, count),
        close: async () => {
          await bounded(pool.destroy(), 5_000);
        },
      };
    },
  };
}
