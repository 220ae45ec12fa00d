/**
 * Peer: tinypool with `runtime: 'child_process'` (warm child processes, the runtime tinypool added for
 * native addons that break under worker threads), otherwise default settings (its own IPC
 * serialization included) and the same worker count. Per-task timeout through an AbortSignal, counting
 * from submission; the heap limit as a Node flag of each child (`resourceLimits` is for threads).
 */
import Tinypool from 'tinypool';
import { piscinaPeerPool, piscinaPoolOptions } from './piscina-api.js';
import type { SessionOptions, Subject } from './subject.js';
import { threadPoolPeer } from './thread-pool-peer.js';

/**
 * Tinypool's options for a child-process pool: the shared piscina-style options without the thread
 * heap limit, the runtime, and `--max-old-space-size` for a heap limit.
 *
 * @example
 * ```ts
 * tinypoolProcessOptions({ concurrency: 2, memoryLimitMb: 64 }).execArgv; // ['--max-old-space-size=64']
 * ```
 */
export function tinypoolProcessOptions(options: SessionOptions): ConstructorParameters<typeof Tinypool>[0] {
  const { filename, minThreads, maxThreads } = piscinaPoolOptions(options);
  return {
    filename,
    minThreads,
    maxThreads,
    runtime: 'child_process',
    ...(options.memoryLimitMb ? { execArgv: [`--max-old-space-size=${options.memoryLimitMb}`] } : {}),
  };
}

/**
 * The tinypool child_process subject.
 *
 * @example
 * ```ts
 * const session = await tinypoolProcessSubject().open({ concurrency: 2 });
 * ```
 */
export function tinypoolProcessSubject(): Subject {
  return threadPoolPeer({
    id: 'tinypool-process',
    label: "tinypool 2, runtime 'child_process'",
    timeout: 'AbortSignal.timeout (from submission)',
    processes: true,
    start: (options) => piscinaPeerPool(new Tinypool(tinypoolProcessOptions(options)), options),
  });
}
