/**
 * Sending queued jobs to a worker. Jobs go out as one flat message per batch (`[JOBS, id, task, args,
 * …]`), each task spec travelling in full only the first time that worker meets it. A job whose
 * arguments move buffers (a transfer list) travels alone, and only to an idle worker, so it is only
 * ever sent once. A batch that cannot be serialized is retried job by job, so only the jobs whose
 * arguments cannot be sent fail.
 */
import type { TransferListItem } from 'node:worker_threads';
import { type JobQueue, unsendableArgsFailure } from '@isolane/core/driver-kit';
import type { JobsMessage } from './messages.js';
import { JOB_DONE, type PoolJob } from './pool-job.js';
import { TO_WORKER_JOBS } from './protocol.js';
import type { TaskSpecTable } from './task-specs.js';
import type { WorkerState } from './worker-state.js';

/**
 * Sends up to `limit` jobs from the front of `queue` to `w` in one message (skipping those settled
 * while they waited); returns how many went.
 *
 * @example
 * ```ts
 * const sent = sendJobs(worker, queue, 8, specs);
 * ```
 */
export function sendJobs(
  w: WorkerState,
  queue: JobQueue<PoolJob>,
  limit: number,
  specs: TaskSpecTable,
): number {
  const wasIdle = w.inflight.length === 0;
  const message: JobsMessage = [TO_WORKER_JOBS];
  let batch: PoolJob[] | undefined;
  let first: PoolJob | undefined;
  let transfer: readonly TransferListItem[] | undefined;
  let introduced: number[] | undefined;
  let count = 0;
  while (count < limit && queue.length > 0) {
    const j = queue.peek()!;
    if (j.state === JOB_DONE) {
      queue.shift();
      continue;
    }
    // Moved buffers travel alone, to an idle worker: a job is only ever sent once they are gone.
    if (j.transfer !== undefined && (count > 0 || !wasIdle)) break;
    queue.shift();
    if (w.knows(j.ref)) message.push(j.id, j.ref, j.args);
    else {
      if (introduced === undefined) introduced = [];
      introduced.push(j.ref);
      message.push(j.id, specs.intro(j.ref), j.args);
    }
    if (count === 0) first = j;
    else if (batch === undefined) batch = [first!, j];
    else batch.push(j);
    count++;
    if (j.transfer !== undefined) {
      transfer = j.transfer;
      break;
    }
  }
  if (count === 0) return 0;
  try {
    w.post(message, transfer);
  } catch (err) {
    if (introduced !== undefined) w.forget(introduced);
    return sendOneByOne(w, batch ?? [first!], err, specs);
  }
  if (batch === undefined) w.commit(first!, wasIdle);
  else for (let i = 0; i < batch.length; i++) w.commit(batch[i]!, wasIdle && i === 0);
  return count;
}

/** A batch that could not be posted: each job alone, so only the unsendable ones fail. */
function sendOneByOne(w: WorkerState, jobs: PoolJob[], batchError: unknown, specs: TaskSpecTable): number {
  if (jobs.length === 1) {
    jobs[0]!.fail(unsendableArgsFailure(batchError, `a ${w.noun}`), 0);
    return 0;
  }
  let sent = 0;
  for (const j of jobs) {
    const wasIdle = w.inflight.length === 0;
    const known = w.knows(j.ref);
    try {
      w.post([TO_WORKER_JOBS, j.id, known ? j.ref : specs.intro(j.ref), j.args]);
    } catch (err) {
      if (!known) w.forget([j.ref]);
      j.fail(unsendableArgsFailure(err, `a ${w.noun}`), 0);
      continue;
    }
    w.commit(j, wasIdle);
    sent++;
  }
  return sent;
}
