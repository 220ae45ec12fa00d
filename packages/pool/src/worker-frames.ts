/**
 * A pool worker's side of its jobs' two-way messages (issue 18): core's runtime keeps each job's task
 * side (`TaskMessages`: the inbox, the window, credits); this makes one for the job that starts, posts
 * its frames to the parent with the job's id, and hands it the caller's frames — those that arrive
 * before their job starts (it waits in this worker's queue) are kept and delivered, in order, when it
 * does; those for a job that is over, or was skipped or handed back, are dropped.
 *
 * A task's messages go out in batches of their values (`[FROM_WORKER_FRAME, id, MESSAGE_VALUES, value,
 * …]`): a stream of them costs the parent one message per batch, not one per message. A batch goes when
 * it is full (32), when the task lets the thread's event loop turn (it awaits anything but a send with
 * room, or returns), and before any other frame — a progress report or a credit goes at once, on its own
 * (`[FROM_WORKER_FRAME, id, frame]`), so progress stays live even in a task that never yields.
 * A message that waits in a batch is a snapshot taken when it was sent (core's runtime hands the frame
 * over uncloned: a thread's port would clone it at once), so what the task changes afterwards is not
 * seen; a process's transport, which gathers messages too, gets the same snapshots.
 *
 * Nothing here goes through a builtin a task can patch: arrays grow by index, frames kept by job id sit
 * in an object without a prototype (read, written and deleted by the language's own operators), and
 * `setImmediate` is taken at load.
 */
import { type CallerFrame, type RunOptions, type TaskFrame, TaskMessages } from '@isolane/core/runtime';
import { FROM_WORKER_FRAME, type FramesToWorker, MESSAGE_VALUES } from './channel-protocol.js';
import { snapshotValue } from './plain-copy.js';

/** `setImmediate`, taken at load (a task may replace the global). */
const nextTurn: typeof setImmediate = setImmediate;
/** Task messages gathered into one batch at most. */
const BATCH = 32;

/** The job loop's view of its jobs' messages; see {@link createWorkerFrames}. */
export interface WorkerFrames {
  /** A `[TO_WORKER_FRAMES, id, …]` message from the parent. */
  absorb(message: FramesToWorker): void;
  /**
   * Job `id` starts now: the options to run it with. Its task side (`TaskMessages`) is made only when the
   * task first uses its messages or a caller frame comes for it (frames kept for it: at once), so a job
   * that never exchanges any costs one small object, as its plain `{ id }` options did.
   */
  open(id: number): RunOptions;
  /** The running job's run is over: later sends are dropped, and so are its late frames. */
  close(): void;
  /** Job `id` will not run here (skipped, handed back): what was kept for it goes. */
  forget(id: number): void;
}

/**
 * The messages of this worker's jobs; `post` sends to the parent, `queued(id)` says whether job `id`
 * waits in this worker's queue.
 *
 * @example
 * ```ts
 * const frames = createWorkerFrames(transport.post, (id) => queue.includes(id));
 * runtime.start(spec, args, { id, messages: frames.open(id) }, finish);
 * ```
 */
export function createWorkerFrames(
  post: (message: unknown[]) => void,
  queued: (id: number) => boolean,
): WorkerFrames {
  let current: TaskMessages | undefined;
  let currentId = -1;
  /** The running job's task side: made on first use, with the frames kept for it. */
  const mailbox = (id: number): TaskMessages => {
    if (id !== currentId) return endedMailbox(); // a leftover of a job that is over: dropped
    if (current !== undefined) return current;
    const messages = new TaskMessages((frame) => postFrame(id, frame));
    current = messages;
    const frames = kept?.[id];
    if (frames !== undefined) {
      delete kept![id];
      for (let i = 0; i < frames.length; i++) messages.deliver(frames[i]!);
    }
    return messages;
  };
  /** The running job's messages not posted yet: `[FROM_WORKER_FRAME, id, MESSAGE_VALUES, value, …]`. */
  let batch: unknown[] | undefined;
  let flushQueued = false;

  const flush = (): void => {
    flushQueued = false;
    const out = batch;
    if (out === undefined) return;
    batch = undefined;
    post(out);
  };
  const postFrame = (id: number, frame: TaskFrame): void => {
    let out = batch;
    if (out !== undefined && (out[1] !== id || frame.t !== 'msg')) {
      flush(); // messages before it go first
      out = undefined;
    }
    if (frame.t !== 'msg') {
      post([FROM_WORKER_FRAME, id, frame.t === 'credit' ? frame : snapshot(frame)]);
      return;
    }
    if (out === undefined) {
      out = [FROM_WORKER_FRAME, id, MESSAGE_VALUES];
      batch = out;
    }
    out[out.length] = snapshotValue(frame.v);
    if (out.length >= BATCH + 3) flush();
    else if (!flushQueued) {
      flushQueued = true;
      nextTurn(flush);
    }
  };
  /** Caller frames of jobs that have not started, by job id (made on first use). */
  let kept: Record<number, CallerFrame[] | undefined> | undefined;

  return {
    absorb(message) {
      const id = message[1];
      if (id === currentId) {
        const messages = mailbox(id);
        for (let i = 2; i < message.length; i++) messages.deliver(message[i] as CallerFrame);
        return;
      }
      if (!queued(id)) return; // over, or never here: dropped
      kept ??= { __proto__: null } as unknown as Record<number, CallerFrame[] | undefined>;
      let frames = kept[id];
      if (frames === undefined) {
        frames = [];
        kept[id] = frames;
      }
      for (let i = 2; i < message.length; i++) frames[frames.length] = message[i] as CallerFrame;
    },
    open(id) {
      current = undefined;
      currentId = id;
      if (kept?.[id] !== undefined) mailbox(id);
      return new PoolRun(id, mailbox);
    },
    close() {
      current?.end();
      current = undefined;
      currentId = -1;
      flush(); // before the job's answer
    },
    forget(id) {
      if (kept !== undefined) delete kept[id];
    },
  };
}

/**
 * A pool job's run options: its id, no signal (a pool job is stopped by stopping its worker), and its
 * messages asked of the worker's frames when the task first uses them (core's runtime reads `messages`
 * lazily from options that have `signalOf`). Getters and methods on the prototype: one object per job.
 */
class PoolRun implements RunOptions {
  readonly id: number;
  readonly #mailbox: (id: number) => TaskMessages;
  constructor(id: number, mailbox: (id: number) => TaskMessages) {
    this.id = id;
    this.#mailbox = mailbox;
  }
  signalOf(): AbortSignal {
    return neverSignal();
  }
  get messages(): TaskMessages {
    return this.#mailbox(this.id);
  }
}

let never: AbortSignal | undefined;
/** A signal that never fires (made on first read: most tasks never read theirs). */
function neverSignal(): AbortSignal {
  never ??= new AbortController().signal;
  return never;
}

/** The task side of a job that is over: its sends resolve and drop, its progress is dropped. */
function endedMailbox(): TaskMessages {
  const messages = new TaskMessages(() => {});
  messages.end();
  return messages;
}

/** A message or progress frame whose value is a snapshot of now (primitives are their own snapshot). */
function snapshot(frame: Extract<TaskFrame, { v: unknown }>): TaskFrame {
  const v = frame.v;
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return frame;
  return { t: frame.t, v: snapshotValue(v) };
}
