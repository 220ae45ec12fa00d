/**
 * How a worker relays the frames of a task's two-way messages (issue 18). Progress reports travel as
 * BullMQ's own job progress (`job.updateProgress`, read by the producer's QueueEvents as a "progress"
 * event, in the same event stream as the job's completion — so the latest report arrives before the
 * result); at most one update is in flight per job, later reports replace the one waiting. The worker
 * acknowledges the reports itself (the progress window, `PROGRESS_WINDOW`) as each update is written,
 * so a task reporting in a tight loop is held to one Redis write per window. Messages and credits go to
 * the job's message streams (worker-messages.ts).
 */
import { type TaskFrame, taskFrameProblem } from '@isolane/core/driver-kit';
import { decode, encode } from './wire.js';

/** The job progress a worker writes: the value's snapshot (wire.ts `encode`), and the task's place in a bundle. */
export interface ProgressData {
  readonly isolane: string;
  /** The reporting task's index in its bundle job (absent: the task is alone in its job). */
  readonly i?: number;
}

/** A worker's relay of one job's frames; see {@link relayFrames}. */
export interface FrameRelay {
  /** A frame of the task (the local driver's `JobSink.fromTask`). */
  fromTask(frame: TaskFrame): void;
  /** While a progress update is being written: resolves once the last one is (undefined: none). */
  drained(): Promise<void> | undefined;
}

/**
 * The relay of a running job's frames: progress to `update` (BullMQ's `job.updateProgress`; `ack` gives
 * the task back the reports taken, once written), messages and credits to `messages` (the job's message
 * streams).
 *
 * @example
 * ```ts
 * const relay = relayFrames((data) => job.updateProgress(data), (frame) => bridge.fromTask(id, handle, frame),
 *   (n) => handle.toTask?.({ t: 'credit', n, progress: true }));
 * driver.start(local, { settle, stray, fromTask: (f) => relay.fromTask(f) });
 * ```
 */
export function relayFrames(
  update: (data: ProgressData) => Promise<unknown>,
  messages: (frame: TaskFrame) => void,
  ack: (n: number) => void,
  index?: number,
): FrameRelay {
  let waiting: { v: unknown } | undefined;
  let writing: Promise<void> | undefined;
  /** Reports taken and not acknowledged yet (at most the task's progress window). */
  let taken = 0;
  const next = (): Promise<void> | undefined => {
    if (taken > 0) {
      const n = taken;
      taken = 0;
      ack(n);
    }
    return waiting === undefined ? undefined : write();
  };
  const write = (): Promise<void> => {
    const { v } = waiting!;
    waiting = undefined;
    let data: ProgressData;
    try {
      data = index === undefined ? { isolane: encode(v) } : { isolane: encode(v), i: index };
    } catch {
      return Promise.resolve(next()); // the runtime checked it portable; one v8 cannot serialize is not reported
    }
    // A lost update: the next one carries the latest.
    return update(data).then(next, next);
  };
  return {
    fromTask(frame) {
      if (taskFrameProblem(frame) !== undefined) return;
      if (frame.t === 'progress') {
        taken++;
        waiting = { v: frame.v };
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

/**
 * The bundle index a "progress" event names (undefined: the task is alone in its job, or the data is not
 * an isolane task's report).
 *
 * @example
 * ```ts
 * progressIndex({ isolane: '~1', i: 3 }); // 3
 * ```
 */
export function progressIndex(data: unknown): number | undefined {
  const i = (data as Partial<ProgressData> | null | undefined)?.i;
  return typeof i === 'number' && Number.isInteger(i) && i >= 0 ? i : undefined;
}
