/**
 * What the raw per-task baselines (a `new Worker` or a `fork()` per task) share as rows: kind, features
 * and session (a `SpawnPerTaskSession`, warmed before use). Each baseline's file keeps only what really
 * differs: how a unit is spawned and killed, and so how a timeout is enforced.
 */
import { SpawnPerTaskSession, type Unit } from './spawn-per-task.js';
import type { Session, SessionOptions, Subject } from './subject.js';

/** One raw per-task baseline: its row and how to spawn one unit. */
export interface PerTaskBaselineSpec {
  /** Subject id, also its `--peers` family name. */
  readonly id: string;
  readonly label: string;
  readonly model: string;
  /** How a timeout stops the unit (`features.timeout`). */
  readonly timeout: string;
  /** Units are child processes (not threads). */
  readonly processes: boolean;
  /** Spawns one unit, with this heap limit (MiB) when given. */
  spawn(memoryLimitMb: number | undefined): Unit;
}

/**
 * A raw per-task baseline as a bench subject.
 *
 * @example
 * ```ts
 * perTaskBaseline({
 *   id: 'raw-worker',
 *   label: 'raw new Worker',
 *   model: 'hand-written: new Worker per task, terminate after reply',
 *   timeout: 'worker.terminate()',
 *   processes: false,
 *   spawn: spawnWorker,
 * });
 * ```
 */
export function perTaskBaseline(spec: PerTaskBaselineSpec): Subject {
  return {
    id: spec.id,
    family: spec.id,
    label: spec.label,
    kind: 'baseline',
    model: spec.model,
    features: {
      timeout: spec.timeout,
      memoryLimit: true,
      perTask: true,
      processes: spec.processes,
      inProcess: false,
    },
    baselines: {},
    async open(options: SessionOptions): Promise<Session> {
      const session = new SpawnPerTaskSession(() => spec.spawn(options.memoryLimitMb), options);
      await session.warm();
      return session;
    },
  };
}
