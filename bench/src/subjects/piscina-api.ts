/**
 * The API piscina and tinypool have in common (tinypool began as a piscina fork): the same constructor
 * options and the same `run(arg, { name, signal })`. Both peers are set up and driven through this
 * module, so their rows differ only by the library, never by how the bench configured or called it.
 */
import type { TaskName } from '../workers/tasks.js';
import { type HeapLimitOption, heapLimit } from './heap-limit.js';
import type { SessionOptions } from './subject.js';
import type { PeerPool } from './thread-pool-peer.js';

/** The task catalogue module, which both libraries load by URL and call by export name. */
const TASKS_FILE = new URL('../workers/tasks.js', import.meta.url).href;

/** Constructor options both libraries accept. */
export type PiscinaPoolOptions = {
  readonly filename: string;
  readonly minThreads: number;
  readonly maxThreads: number;
} & HeapLimitOption;

/** Per-task options both libraries accept. */
export interface PiscinaRunOptions {
  readonly name: TaskName;
  readonly signal?: AbortSignal;
}

/**
 * A fixed pool of `options.concurrency` threads running the task catalogue, with the session's heap
 * limit; everything else left at the library's defaults.
 *
 * @example
 * ```ts
 * const pool = new Tinypool(piscinaPoolOptions({ concurrency: 2 }));
 * ```
 */
export function piscinaPoolOptions(options: SessionOptions): PiscinaPoolOptions {
  return {
    filename: TASKS_FILE,
    minThreads: options.concurrency,
    maxThreads: options.concurrency,
    ...heapLimit(options.memoryLimitMb),
  };
}

/** The part of a piscina or tinypool instance the bench calls. */
export interface PiscinaLikePool {
  run(task: unknown, options: PiscinaRunOptions): Promise<unknown>;
  destroy(): Promise<unknown>;
}

/**
 * A started piscina or tinypool as a peer pool: tasks submitted by export name with the session's
 * timeout, closed by `destroy()` within 5 s.
 *
 * @example
 * ```ts
 * start: (options) => piscinaPeerPool(new Piscina(piscinaPoolOptions(options)), options),
 * ```
 */
export function piscinaPeerPool(pool: PiscinaLikePool, options: SessionOptions): PeerPool {
  const timeoutMs = options.timeoutMs ?? 0;
  return {
    run: (name, arg) => pool.run(arg, piscinaRunOptions(name, timeoutMs)),
    destroy: () => pool.destroy(),
    closeWithinMs: 5_000,
  };
}

/**
 * The options of one `run()`: the task's export name, and an `AbortSignal.timeout` (counting from
 * submission, the only per-task timeout these libraries have) when `timeoutMs` is positive.
 *
 * @example
 * ```ts
 * pool.run(arg, piscinaRunOptions('noop', 0)); // { name: 'noop' }
 * ```
 */
export function piscinaRunOptions(name: TaskName, timeoutMs: number): PiscinaRunOptions {
  return timeoutMs > 0 ? { name, signal: AbortSignal.timeout(timeoutMs) } : { name };
}
