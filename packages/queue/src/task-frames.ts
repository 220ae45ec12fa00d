/**
 * What the queue carries of a task's two-way messages (issue 18): its progress reports, and nothing
 * else yet. A worker relays the latest progress value of the job it runs through BullMQ's own job
 * progress (`job.updateProgress`, read by the producer's QueueEvents as a "progress" event, in the same
 * event stream as the job's completion — so the latest report arrives before the result); at most one
 * update is in flight per job, later reports replace the one waiting. A task message (`taskContext()
 * .send()`) cannot reach the caller through the queue: the worker fails that task with an error that
 * says so, rather than leave it waiting at the window for credits that would never come. `wg.send()` to
 * a queue slot is refused by the group (the driver's handles carry no frames).
 */
import { makeFailure, type TaskFailure, type TaskFrame, taskFrameProblem } from '@isolane/core/driver-kit';
import { decode, encode } from './wire.js';

/** The job progress a worker writes: the value's structured-clone snapshot, as base64. */
export interface ProgressData {
  readonly isolane: string;
}

/**
 * The failure of a queue task that sent a message to its caller.
 *
 * @example
 * ```ts
 * handle.abort(messagesUnsupported()); // the slot fails: threw UnsupportedError (ISOLANE_QUEUE_NO_MESSAGES)
 * ```
 */
export function messagesUnsupported(): TaskFailure {
  return makeFailure(
    'threw',
    'taskContext().send(): the queue driver does not carry task messages (only taskContext().progress() reaches the caller, as the job progress)',
    { name: 'UnsupportedError', code: 'ISOLANE_QUEUE_NO_MESSAGES' },
  );
}

/** A worker's relay of one job's frames; see {@link relayFrames}. */
export interface FrameRelay {
  /** A frame of the task (the local driver's `JobSink.fromTask`). */
  fromTask(frame: TaskFrame): void;
  /** While a progress update is being written: resolves once the last one is (undefined: none). */
  drained(): Promise<void> | undefined;
}

/**
 * The relay of a running job's frames: progress to `update` (BullMQ's `job.updateProgress`), a message
 * to `refuse` (which stops the task with {@link messagesUnsupported}).
 *
 * @example
 * ```ts
 * const relay = relayFrames((data) => job.updateProgress(data), (failure) => handle.abort(failure));
 * driver.start(local, { settle, stray, fromTask: (f) => relay.fromTask(f) });
 * ```
 */
export function relayFrames(
  update: (data: ProgressData) => Promise<unknown>,
  refuse: (failure: TaskFailure) => void,
): FrameRelay {
  let waiting: ProgressData | undefined;
  let writing: Promise<void> | undefined;
  let refused = false;
  const write = (): Promise<void> => {
    const data = waiting!;
    waiting = undefined;
    return update(data).then(
      () => (waiting === undefined ? undefined : write()),
      () => (waiting === undefined ? undefined : write()), // a lost update: the next one carries the latest
    );
  };
  return {
    fromTask(frame) {
      if (taskFrameProblem(frame) !== undefined) return;
      if (frame.t === 'progress') {
        let data: ProgressData;
        try {
          data = { isolane: encode(frame.v) };
        } catch {
          return; // the runtime checked it portable; a value v8 cannot serialize is not reported
        }
        waiting = data;
        writing ??= write().finally(() => {
          writing = undefined;
        });
      } else if (frame.t === 'msg' && !refused) {
        refused = true;
        refuse(messagesUnsupported());
      }
    },
    drained: () => writing,
  };
}

/**
 * The progress frame a "progress" event of the queue stands for, or undefined for one that is not an
 * isolane task's (a job's progress can be written by anything that holds the queue).
 *
 * @example
 * ```ts
 * events.on('progress', ({ jobId, data }) => { const f = progressFrame(data); if (f) sinkOf(jobId)?.fromTask?.(f); });
 * ```
 */
export function progressFrame(data: unknown): TaskFrame | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const text = (data as Partial<ProgressData>).isolane;
  if (typeof text !== 'string') return undefined;
  try {
    return { t: 'progress', v: decode(text) };
  } catch {
    return undefined;
  }
}
