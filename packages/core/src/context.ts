/**
 * The running task's context (its abort signal), carried by AsyncLocalStorage so a task can reach it
 * from any depth without an extra parameter — or, in a thread or process that runs one task in its
 * whole life, by a plain variable (enabling async hooks costs every cold worker ~0.5 ms and slows every
 * promise). The storage lives on `globalThis` so every copy of this package in a process (a worker's,
 * a test runner's, the bundled task entry's) sees the same one.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What a running task can ask about itself, and its two-way messages with the caller (see
 * docs/channels.md): `send` / `progress` to the caller, `receive` / `messages` from it.
 */
export interface TaskContext {
  /** Fires when the task's slot is aborted or times out; pass it to fetch, streams, timers. */
  readonly signal: AbortSignal;
  /**
   * Sends a message to the caller (`wg.messages(slot)` or the `onMessage` option): checked and cloned
   * like a result. Resolves at once while fewer than `MESSAGE_WINDOW` messages wait on the caller's
   * side, else once the caller consumed some. Rejects with a `CaptureError` for an unportable message.
   */
  send(message: unknown): Promise<void>;
  /** The next message from the caller (`wg.send(slot, m)`); rejects with the abort reason once stopped. */
  receive(): Promise<unknown>;
  /** The caller's messages as an async iterable; it ends once the task is stopped. */
  messages(): AsyncIterable<unknown>;
  /**
   * Reports progress: the caller keeps the latest value (`wg.progress(slot)`, `onProgress`). Never waits:
   * past `PROGRESS_WINDOW` reports in flight, only the latest is kept and sent once the caller has
   * acknowledged some (and always before the result).
   */
  progress(value: unknown): void;
}

/** The task side of a job's messages, as the context reaches it (the runtime's `TaskMessages`). */
export interface TaskMailbox {
  send(message: unknown): Promise<void>;
  receive(signal: AbortSignal): Promise<unknown>;
  messages(signal: AbortSignal): AsyncIterable<unknown>;
  progress(value: unknown): void;
}

/**
 * Internal store: the signal, the id the driver uses to attribute late errors, and the job's mailbox
 * (absent under a driver that does not carry messages).
 */
export interface TaskStore {
  readonly id: number;
  readonly signal: AbortSignal;
  readonly messages?: TaskMailbox | undefined;
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

/** The context over a store (made when the task asks: a task that never does pays nothing). */
class RunningContext implements TaskContext {
  readonly #store: TaskStore | undefined;
  constructor(store: TaskStore | undefined) {
    this.#store = store;
  }
  get signal(): AbortSignal {
    return this.#store?.signal ?? neverSignal();
  }
  send(message: unknown): Promise<void> {
    try {
      return this.#mailbox('send').send(message);
    } catch (err) {
      return Promise.reject(err);
    }
  }
  receive(): Promise<unknown> {
    try {
      return this.#mailbox('receive').receive(this.signal);
    } catch (err) {
      return Promise.reject(err);
    }
  }
  messages(): AsyncIterable<unknown> {
    return this.#mailbox('messages').messages(this.signal);
  }
  progress(value: unknown): void {
    this.#mailbox('progress').progress(value);
  }
  #mailbox(method: string): TaskMailbox {
    const store = this.#store;
    if (store === undefined) throw new Error(`taskContext().${method}(): not inside a running task`);
    if (store.messages === undefined)
      throw new Error(
        `taskContext().${method}(): this task runs under a driver that does not carry task messages (see docs/channels.md)`,
      );
    return store.messages;
  }
}

/**
 * The context of the task that is running now, under any driver: its signal and its messages with the
 * caller. Outside a task its signal never fires and its message methods throw. Inline tasks use it by
 * name, without importing it: the runtime provides `taskContext` to them.
 *
 * @example
 * ```ts
 * export const crawl = defineTask(import.meta.url, 'crawl', async (urls: string[]) => {
 *   const ctx = taskContext();
 *   for (const [i, url] of urls.entries()) {
 *     await fetch(url, { signal: ctx.signal }); // stops on timeout or abort
 *     ctx.progress((i + 1) / urls.length);      // wg.progress(slot) on the caller's side
 *   }
 * });
 * ```
 */
export function taskContext(): TaskContext {
  // Reads only: asking outside any task installs no storage (a one-task runtime may install its own).
  return new RunningContext(holder[KEY]?.getStore());
}
