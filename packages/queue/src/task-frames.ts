/**
 * How a worker relays the frames of a task's two-way messages (issue 18). Progress reports travel as
 * BullMQ's own job progress (`job.updateProgress`, read by the producer's QueueEvents as a "progress"
 * event, in the same event stream as the job's completion — so the latest report arrives before the
 * result); at most one update is in flight per job, later reports replace the one waiting. Messages and
 * credits go to the job's message streams (worker-messages.ts).
 */
import { type TaskFrame, taskFrameProblem } from '@isolane/core/driver-kit';
import { decode, encode } from './wire.js';

/** The job progress a worker writes: the value's structured-clone snapshot, as base64. */
export interface ProgressData {
  readonly isolane: string;
}

/** A worker's relay of one job's frames; see {@link relayFrames}. */
export interface FrameRelay {
  /** A frame of the task (the local driver's `JobSink.fromTask`). */
  fromTask(frame: TaskFrame): void;
  /** While a progress update is being written: resolves once the last one is (undefined: none). */
  drained(): Promise<void> | undefined;
}

/**
 * The relay of a running job's frames: progress to `update` (BullMQ's `job.updateProgress`), messages
 * and credits to `messages` (the job's message streams).
 *
 * @example
 * ```ts
 * const relay = relayFrames((data) => job.updateProgress(data), (frame) => bridge.fromTask(id, handle, frame));
 * driver.start(local, { settle, stray, fromTask: (f) => relay.fromTask(f) });
 * ```
 */
export function relayFrames(
  update: (data: ProgressData) => Promise<unknown>,
  messages: (frame: TaskFrame) => void,
): FrameRelay {
  let waiting: ProgressData | undefined;
  let writing: Promise<void> | undefined;
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
      } else {
        messages(frame);
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
