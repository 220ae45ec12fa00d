/**
 * How the pool's worker entry talks to the pool, in a worker thread or in a worker process: the entry
 * (worker-entry.ts) is one, and runs its jobs the same way in both; only the transport differs
 * (thread-transport.ts, process-transport.ts).
 */
import { isMainThread } from 'node:worker_threads';
import { processTransport } from './process-transport.js';
import { threadTransport } from './thread-transport.js';

/** The entry's side of the channel to the pool. */
export interface EntryTransport {
  /** Module URL loaded once before the first task. */
  readonly bootstrap: string | undefined;
  /** tsx's ESM API for a thread that must hook itself; undefined in a process (its flags do it). */
  readonly tsx: string | undefined;
  readonly maxHeapBytes: number;
  /** The pool's `maxResultMb` (0: none). */
  readonly maxResultMb: number;
  readonly preload: readonly string[];
  /** Messages can be read synchronously (`poll`). */
  readonly canPoll: boolean;
  /** Sends a message; a thread throws when a value cannot be cloned (a process reports it instead). */
  post(message: unknown[]): void;
  /** The next message already received, if any (a process never has one to poll). */
  poll(): unknown[] | undefined;
  /** The worker starts its `seq`-th job now: the pool must know it even if the worker dies in it. */
  markStarted(seq: number): void;
  /** Sends what waits to be sent now (the worker is exiting, or its job loop ends a run). */
  flush(): void;
  /**
   * While on, what is posted waits for the next `flush()` (the job loop's run ends with one) instead of
   * being sent on its own a microtask later.
   */
  hold(on: boolean): void;
  onMessage(handler: (message: unknown[]) => void): void;
}

/**
 * The transport of this worker: its thread port, or its process's IPC channel.
 *
 * @example
 * ```ts
 * const transport = entryTransport();
 * transport.onMessage((m) => absorb(m));
 * ```
 */
export function entryTransport(): EntryTransport {
  return isMainThread ? processTransport() : threadTransport();
}
