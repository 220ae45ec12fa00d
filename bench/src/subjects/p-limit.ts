/**
 * Peer: p-limit, what people use for "run these with a concurrency limit" without any isolation: the
 * task function is called in the host's own heap with the caller's own argument objects.
 */
import pLimit from 'p-limit';
import { TASKS, type TaskName } from '../workers/tasks.js';
import type { Session, SessionOptions, Subject } from './subject.js';

/**
 * The p-limit subject.
 *
 * @example
 * ```ts
 * const session = await pLimitSubject().open({ concurrency: 2 });
 * ```
 */
export function pLimitSubject(): Subject {
  return {
    id: 'p-limit',
    family: 'p-limit',
    label: 'p-limit 7',
    kind: 'peer',
    model: 'async call in the same heap, concurrency-limited',
    features: { timeout: null, memoryLimit: false, perTask: false, processes: false, inProcess: true },
    baselines: { throughput: 'poolifier' },
    async open(options: SessionOptions): Promise<Session> {
      const limit = pLimit(options.concurrency);
      const run = (name: TaskName, arg?: unknown): Promise<unknown> => limit(() => TASKS[name](arg));
      return {
        run,
        async runMany(name, arg, count) {
          const fn = TASKS[name];
          const pending: Promise<unknown>[] = new Array(count);
          for (let i = 0; i < count; i++) pending[i] = limit(() => fn(arg));
          const settled = await Promise.allSettled(pending);
          return settled.filter((s) => s.status === 'fulfilled').length;
        },
        close: async () => {
          limit.clearQueue();
        },
      };
    },
  };
}
