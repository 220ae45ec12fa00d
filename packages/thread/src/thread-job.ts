/**
 * How a thread driver words a job for its worker and reads a worker's death: the job message, whether
 * the bootstrap has a deadline, and the failure a worker's 'error' event means. Split out of
 * task-thread.ts.
 */
import {
  crashedAfterResultFailure,
  crashedFailure,
  oomFailure,
  type SubmittedJob,
  type TaskFailure,
  toFailure,
} from '@isolane/core/driver-kit';
import type { JobMessage } from './protocol.js';
import type { TaskThreadOptions } from './task-thread.js';

const WORKER = 'worker thread';

/**
 * The job as the worker receives it. `timed`: the worker says `{ t: 'start' }` once its bootstrap has
 * loaded — for the task's timeout, and for the bootstrap's deadline when there is a bootstrap.
 *
 * @example
 * ```ts
 * thread.postMessage(jobMessage(submitted, bootWatched(options)));
 * ```
 */
export function jobMessage({ job, id }: SubmittedJob, watchBoot: boolean): JobMessage {
  return {
    task: job.task,
    args: job.args,
    id,
    timed: watchBoot || (job.timeout !== undefined && job.timeout > 0),
  };
}

/**
 * The bootstrap has a deadline: there is one, and its timeout is finite.
 *
 * @example
 * ```ts
 * bootWatched({ ...options, bootstrap: undefined }); // false
 * ```
 */
export function bootWatched(options: TaskThreadOptions): boolean {
  return options.bootstrap !== undefined && Number.isFinite(options.bootstrapTimeout);
}

/**
 * What a worker's 'error' event means for its task (`settled`: after its outcome, a stray).
 *
 * @example
 * ```ts
 * worker.on('error', (err) => sink.settle({ ok: false, error: deathFailure(err, false, 64), ms }));
 * ```
 */
export function deathFailure(err: unknown, settled: boolean, memoryLimitMb: number | undefined): TaskFailure {
  const cause = toFailure(err, 'crashed');
  const { code } = cause;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return settled
      ? crashedAfterResultFailure({ worker: WORKER, oom: true, reason: cause.message, code })
      : oomFailure({ memoryLimitMb, report: cause.message, code });
  }
  // The entry catches every error a task throws, so this is the worker itself failing.
  const details = { worker: WORKER, reason: cause.message, code, cause };
  return settled ? crashedAfterResultFailure(details) : crashedFailure(details);
}
