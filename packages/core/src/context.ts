/**
 * The running task's context (its abort signal), carried by AsyncLocalStorage so a task can reach it
 * from any depth without an extra parameter — or, in a thread or process that runs one task in its
 * whole life, by a plain variable (enabling async hooks costs every cold worker ~0.5 ms and slows every
 * promise). The storage lives on `globalThis` so every copy of this package in a process (a worker's,
 * a test runner's, the bundled task entry's) sees the same one.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** What a running task can ask about itself. */
export interface TaskContext {
  /** Fires when the task's slot is aborted or times out; pass it to fetch, streams, timers. */
  readonly signal: AbortSignal;
}

/** Internal store: the public context plus the id the driver uses to attribute late errors. */
export interface TaskStore extends TaskContext {
  readonly id: number;
}

/** What carries the running task's store: AsyncLocalStorage, or a single slot (see {@link singleTaskStorage}). */
export interface TaskStorage {
  getStore(): TaskStore | undefined;
  run<R>(store: TaskStore, fn: () => R): R;
}

const KEY = Symbol.for('isolane.taskStorage');
const holder = globalThis as unknown as Record<symbol, TaskStorage | undefined>;

/**
 * The process-wide storage that carries a task's context.
 *
 * @example
 * ```ts
 * taskStorage().run({ id: 1, signal }, () => task(...args));
 * ```
 */
export function taskStorage(): TaskStorage {
  let storage = holder[KEY];
  if (!storage) {
    storage = new AsyncLocalStorage<TaskStore>();
    holder[KEY] = storage;
  }
  return storage;
}

/**
 * The storage for a thread or process that runs exactly one task in its life (the thread and fork
 * drivers): the task's store is a plain variable, set when the task starts and kept for its leftovers.
 * Installed before any task module loads; an existing storage is kept.
 *
 * @example
 * ```ts
 * const storage = singleTaskStorage();
 * storage.run({ id: 1, signal }, () => task(...args)); // taskContext() inside sees { signal }
 * ```
 */
export function singleTaskStorage(): TaskStorage {
  let storage = holder[KEY];
  if (!storage) {
    let current: TaskStore | undefined;
    storage = {
      getStore: () => current,
      run(store, fn) {
        current = store;
        return fn();
      },
    };
    holder[KEY] = storage;
  }
  return storage;
}

let never: AbortSignal | undefined;

/**
 * A signal that never fires, for code outside any task. Made on first use: `AbortController` is loaded
 * lazily by Node, and a cold worker whose task never asks should not pay for it.
 *
 * @example
 * ```ts
 * const signal = opts.signal ?? neverSignal();
 * ```
 */
export function neverSignal(): AbortSignal {
  never ??= new AbortController().signal;
  return never;
}

/**
 * The context of the task that is running now, under any driver. Outside a task its signal never fires.
 *
 * @example
 * ```ts
 * export const crawl = defineTask(import.meta.url, 'crawl', async (url: string) => {
 *   const res = await fetch(url, { signal: taskContext().signal }); // stops on timeout or abort
 *   return res.status;
 * });
 * ```
 */
export function taskContext(): TaskContext {
  // Reads only: asking outside any task installs no storage (a one-task runtime may install its own).
  return holder[KEY]?.getStore() ?? { signal: neverSignal() };
}
