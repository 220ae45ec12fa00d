/**
 * Peer: piscina, the pool the isolane pool driver is built on, used directly with default settings and
 * the same thread count. Its only per-task timeout is an AbortSignal, which counts from submission.
 */
import { Piscina } from 'piscina';
import type { TaskName } from '../workers/tasks.js';
import { bounded, runManyVia, type Session, type SessionOptions, type Subject } from './subject.js';

const TASKS = new URL('../workers/tasks.js', import.meta.url).href;

/**
 * The piscina subject.
 *
 * @example
 * ```ts
 * const session = await piscinaSubject().open({ concurrency: 2 });
 * ```
 */
export function piscinaSubject(): Subject {
  return {
    id: 'piscina',
    family: 'piscina',
    label: 'piscina 5',
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
      const pool = new Piscina({
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
