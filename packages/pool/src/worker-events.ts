/**
 * The shapes through which the pool driver and its workers (worker-state.ts and its thread and process
 * subclasses) talk: the events a worker raises, the view of its jobs in flight, how it ended.
 */
import type { ExitStatus } from '@isolane/core/driver-kit';
import type { FromWorker } from './messages.js';
import type { PoolJob } from './pool-job.js';
import type { WorkerState } from './worker-state.js';

/** How the driver hears from a worker. */
export interface WorkerEvents {
  onMessage(worker: WorkerState, message: FromWorker): void;
  onExit(worker: WorkerState, code: number): void;
  /** It is being stopped to end its running job's work (timeout, abort, a task that broke it). */
  onStopping(worker: WorkerState): void;
}

/** The jobs in flight on a worker, as the driver may read them. */
export interface InflightView {
  readonly length: number;
  peek(): PoolJob | undefined;
  at(index: number): PoolJob | undefined;
}

/** How a worker ended, as its failures describe it. */
export interface WorkerDeath extends ExitStatus {
  /** It ran out of memory. */
  readonly oom: boolean;
  /** The end of its stderr (a process), e.g. V8's out-of-memory report. */
  readonly stderrTail?: string | undefined;
  /** The error code to keep. */
  readonly code?: string | undefined;
}

/** `process.exit(code)` was called in a worker, by job `id` (-1: outside any task). */
export interface ExitNote {
  readonly id: number;
  readonly code: number;
}
