/**
 * Peer: p-limit, what people use for "run these with a concurrency limit" without any isolation: the
 * task function is called in the host's own heap with the caller's own argument objects.
 */
import pLimit from 'p-limit';
import { TASKS, type TaskName } from '../workers/tasks.js';
import { runManyVia, type Session, type SessionOptions, type Subject } from './subject.js';

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

/**
 * p-limit doing the snapshot work a cooperative group does (a `structuredClone` of the argument before
 * the call and of the result after it): the floor the cooperative driver's per-request figure is held
 * to (issue 15). A timing floor, not a runtime: it is not probed.
 *
 * @example
 * ```ts
 * const session = await pLimitCloneSubject().open({ concurrency: 2 });
 * await session.run('noop', 1); // 1, cloned in and out
 * ```
 */
export function pLimitCloneSubject(): Subject {
  return {
    id: 'p-limit-clone',
    family: 'p-limit-clone',
    label: 'p-limit 7 + structuredClone',
    kind: 'baseline',
    model: 'p-limit with a structuredClone of the argument and of the result (a cooperative group snapshot)',
    features: {
      timeout: null,
      memoryLimit: false,
      perTask: false,
      processes: false,
      inProcess: true,
      noProbes: 'a timing floor, not a runtime: p-limit plus the snapshot copies a cooperative group makes',
    },
    baselines: {},
    async open(options: SessionOptions): Promise<Session> {
      const limit = pLimit(options.concurrency);
      const run = (name: TaskName, arg?: unknown): Promise<unknown> => {
        // The argument is copied when submitted (as `go()` does), the result when it comes back.
        const copy = structuredClone(arg);
        return limit(async () => structuredClone(await TASKS[name](copy)));
      };
      return {
        run,
        runMany: (name, arg, count) => runManyVia(run, name, arg, count),
        close: async () => {
          limit.clearQueue();
        },
      };
    },
  };
}
