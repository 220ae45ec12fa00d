/**
 * What the warm thread-pool peers (piscina, tinypool, workerpool, poolifier) share as rows: the same
 * model, features and baselines, and the same session around the library's pool (`runMany` through
 * `run`, a close bounded in time). Each peer's file keeps only what really differs: how its pool is
 * built, how a task and its timeout are submitted, and how it shuts down. A peer whose workers are
 * child processes (tinypool's `child_process` runtime) says so with `processes: true`, and is held to
 * the process baselines instead.
 */
import type { TaskName } from '../workers/tasks.js';
import { bounded, runManyVia, type Session, type SessionOptions, type Subject } from './subject.js';

/** A started library pool, reduced to what a session needs. */
export interface PeerPool {
  /** Submits one task by catalogue name (with the session's timeout, where the peer has one). */
  readonly run: (name: TaskName, arg?: unknown) => Promise<unknown>;
  /** The library's own shutdown; it may hang, the session bounds it by `closeWithinMs`. */
  readonly destroy: () => Promise<unknown>;
  /** How long `close()` waits for `destroy()` before going on. */
  readonly closeWithinMs: number;
}

/** One thread-pool peer: its row and how to start its pool. */
export interface ThreadPoolPeerSpec {
  /** Subject id, also its `--peers` family name. */
  readonly id: string;
  readonly label: string;
  /** How the library enforces a per-task timeout (`features.timeout`). */
  readonly timeout: string;
  /** Its workers are warm child processes, not threads (held to the raw process baselines). */
  readonly processes?: boolean;
  /** Starts the library's pool with `options.concurrency` warm threads. */
  start(options: SessionOptions): PeerPool;
}

/**
 * A warm thread-pool peer as a bench subject.
 *
 * @example
 * ```ts
 * threadPoolPeer({
 *   id: 'tinypool',
 *   label: 'tinypool 2',
 *   timeout: 'AbortSignal.timeout (from submission)',
 *   start: (options) => piscinaPeerPool(new Tinypool(piscinaPoolOptions(options)), options),
 * });
 * ```
 */
export function threadPoolPeer(spec: ThreadPoolPeerSpec): Subject {
  return {
    id: spec.id,
    family: spec.id,
    label: spec.label,
    kind: 'peer',
    model: spec.processes ? 'warm child processes' : 'warm worker threads',
    features: {
      timeout: spec.timeout,
      memoryLimit: true,
      perTask: false,
      processes: spec.processes === true,
      inProcess: false,
    },
    baselines: spec.processes
      ? { cold: 'raw-fork', warm: 'raw-process-ping-pong', throughput: 'raw-process-ping-pong' }
      : { cold: 'raw-worker', warm: 'raw-ping-pong', throughput: 'poolifier' },
    async open(options: SessionOptions): Promise<Session> {
      const pool = spec.start(options);
      const run = pool.run;
      return {
        run,
        runMany: (name, arg, count) => runManyVia(run, name, arg, count),
        close: async () => {
          await bounded(pool.destroy(), pool.closeWithinMs);
        },
      };
    },
  };
}
