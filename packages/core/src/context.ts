/**
 * The running task's context (its abort signal), carried by AsyncLocalStorage so a task can reach it
 * from any depth without an extra parameter. The storage lives on `globalThis` so every copy of this
 * package in a process (a worker's, a test runner's) sees the same one.
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

const KEY = Symbol.for('isolane.taskStorage');
const holder = globalThis as unknown as Record<symbol, AsyncLocalStorage<TaskStore> | undefined>;

/**
 * The process-wide storage that carries a task's context.
 *
 * @example
 * ```ts
 * taskStorage().run({ id: 1, signal }, () => task(...args));
 * ```
 */
export function taskStorage(): AsyncLocalStorage<TaskStore> {
  let storage = holder[KEY];
  if (!storage) {
    storage = new AsyncLocalStorage<TaskStore>();
    holder[KEY] = storage;
  }
  return storage;
}

const NEVER = new AbortController().signal;

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
  return taskStorage().getStore() ?? { signal: NEVER };
}
