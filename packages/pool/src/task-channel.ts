/**
 * The parent's side of a pool job's two-way messages (issue 18): core's group snapshots the messages,
 * keeps the windows and reads the frames; the pool carries them. A worker's frame goes to the sink of
 * the job it runs; a caller's frame goes to the worker the job was sent to — or, while the job still
 * waits in the pool's queue, is kept with it and sent right behind the job when it goes out, so the task
 * reads every message in order whenever it starts. Until the job is known to have started (its first
 * frame), what was sent stays kept too: a worker that hands the job back unstarted (a bounce, a death
 * before it) dropped it, and it goes out again with the job. Core's window bounds what is kept.
 *
 * A job whose task never uses its messages pays one field that stays undefined.
 */
import {
  type CallerFrame,
  channelCorruptedFailure,
  type TaskFrame,
  taskFrameProblem,
} from '@isolane/core/driver-kit';
import { type FrameFromWorker, MESSAGE_VALUES, TO_WORKER_FRAMES } from './channel-protocol.js';
import { JOB_DONE, JOB_QUEUED, type PoolJob } from './pool-job.js';
import type { WorkerState } from './worker-state.js';

/** A job's messages as the pool keeps them (made on its first frame, either way). */
export interface JobFrames {
  /**
   * Caller frames its worker may not have delivered: every one until the job is known to have started
   * (undefined from then on).
   */
  kept: CallerFrame[] | undefined;
}

/**
 * Delivers a caller frame to `j`'s task (`JobHandle.toTask`; core has checked and snapshotted it, and
 * holds the window): kept while `j` is queued, posted to its worker once sent, ignored once settled.
 *
 * @example
 * ```ts
 * frameToTask(job, { t: 'msg', v: { more: 3 } });
 * ```
 */
export function frameToTask(j: PoolJob, frame: CallerFrame): void {
  if (j.state === JOB_DONE) return;
  let f = j.frames;
  if (f === undefined) {
    f = { kept: [] };
    j.frames = f;
  }
  if (f.kept !== undefined) f.kept.push(frame);
  if (j.state !== JOB_QUEUED) post(j.worker!, [TO_WORKER_FRAMES, j.id, frame]);
}

/**
 * `j` was just committed to `w`: the caller frames kept for it go out right behind it, in order. Called
 * for every commit; one field read when the job has none.
 *
 * @example
 * ```ts
 * w.commit(job, wasIdle); // commit calls it
 * ```
 */
export function resendKept(w: WorkerState, j: PoolJob): void {
  const kept = j.frames?.kept;
  if (kept !== undefined && kept.length > 0) post(w, [TO_WORKER_FRAMES, j.id, ...kept]);
}

/**
 * Frames from worker `w`: checked, then handed in order to the sink of the job they name if that job is
 * the one `w` runs (settled or not: core counts what comes after the settle as dropped). Frames for
 * another job are dropped. A malformed message is channel corruption, as any message of the wrong shape:
 * the job `w` runs fails and the worker goes (with none running, the worker just goes).
 *
 * @example
 * ```ts
 * frameFromWorker(worker, [FROM_WORKER_FRAME, 7, { t: 'msg', v: 'half way' }], performance.now());
 * ```
 */
export function frameFromWorker(w: WorkerState, m: FrameFromWorker, now: number): void {
  const id = m[1];
  // A batch of message values: their frames are made here (any value is a message's).
  const values = m[2] === MESSAGE_VALUES;
  let problem =
    m.length < (values ? 4 : 3)
      ? `a message of tag ${m[0]} with ${m.length} elements, too few`
      : Number.isInteger(id) && id >= 0
        ? undefined
        : 'a task frame whose job id is not an id';
  if (!values) for (let i = 2; problem === undefined && i < m.length; i++) problem = taskFrameProblem(m[i]);
  const j = w.head();
  if (problem !== undefined) {
    const failure = channelCorruptedFailure({ worker: w.noun, detail: problem });
    if (j === undefined || j.seq > w.startedCount() || !w.failRunning(j.id, failure, now)) w.terminate();
    return;
  }
  if (j === undefined || j.id !== id) return; // not the job it runs: late, dropped
  // It runs: what was kept for it has reached it.
  const f = j.frames;
  if (f === undefined) j.frames = { kept: undefined };
  else f.kept = undefined;
  const sink = j.sink;
  if (sink.fromTask === undefined) return;
  if (values) for (let i = 3; i < m.length; i++) sink.fromTask({ t: 'msg', v: m[i] });
  else for (let i = 2; i < m.length; i++) sink.fromTask(m[i] as TaskFrame);
}

function post(w: WorkerState, message: unknown[]): void {
  if (w.dead || w.dying) return; // its death requeues the job (kept frames go again) or fails it
  try {
    w.post(message as never);
  } catch {
    // Core snapshotted the value, so it clones; a worker that cannot take it any more is dying.
  }
}
