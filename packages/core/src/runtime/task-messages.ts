/**
 * The task side of one job's two-way messages (issue 18), shared by every driver's worker: the inbox of
 * caller messages (with `receive()` and `messages()` stopping when the task is stopped), the window of
 * task messages in flight (a `send()` past it waits for credits), progress reports (a window of their
 * own: past it, only the latest value is kept, posted when the caller's acknowledgements come back and
 * always when the run ends), and credits given back in batches as the task consumes its inbox. A driver's worker makes one per job, hands it to the
 * runtime (`RunOptions.messages`) and calls {@link TaskMessages.deliver} with the caller's frames; the
 * frames it posts go to the caller by the driver's own transport.
 */
import { checkMessage, snapshotMessage } from '../message-check.js';
import {
  type CallerFrame,
  CREDIT_BATCH,
  isCreditCount,
  MESSAGE_WINDOW,
  PROGRESS_WINDOW,
  type TaskFrame,
} from '../message-frames.js';
import { PromiseCtor } from './intrinsics.js';

/** A task message waiting for room in the window. */
interface Blocked {
  readonly v: unknown;
  readonly resolve: () => void;
}

/** A `receive()` waiting for a caller message. */
interface Reader {
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
}

const resolved: Promise<void> = PromiseCtor.resolve();

/**
 * The task side of one job's messages.
 *
 * @example
 * ```ts
 * const messages = new TaskMessages((frame) => port.postMessage(frame));
 * port.on('message', (frame) => messages.deliver(frame)); // the caller's frames
 * runtime.start(task, args, { id, messages }, done);       // taskContext() inside reaches it
 * ```
 */
export class TaskMessages {
  readonly #post: (frame: TaskFrame) => void;
  /** Task messages that may still be posted before a credit comes back. */
  #credits = MESSAGE_WINDOW;
  /** Sends waiting for room, oldest first (snapshots). */
  #blocked: Blocked[] | undefined;
  /** Caller messages not consumed yet; `#head` is the next one. */
  #inbox: unknown[] | undefined;
  #head = 0;
  /** Pending `receive()` calls, oldest first. */
  #readers: Reader[] | undefined;
  /** Caller messages consumed and not credited back yet. */
  #unacked = 0;
  #ended = false;
  /** Progress reports that may still be posted before the caller acknowledges some. */
  #progressCredits = PROGRESS_WINDOW;
  /** The latest progress value held back while the progress window is full (a snapshot). */
  #heldProgress: unknown;
  #holdsProgress = false;

  /** `post` hands a frame to the driver's transport (which clones it on the way). */
  constructor(post: (frame: TaskFrame) => void) {
    this.#post = post;
  }

  /** A frame from the caller: a message for the inbox, or credits for task messages it consumed. */
  deliver(frame: CallerFrame): void {
    if (frame.t === 'credit') {
      if (!isCreditCount(frame.n)) return;
      if (frame.progress === true) {
        this.#progressCredits = Math.min(PROGRESS_WINDOW, this.#progressCredits + frame.n);
        this.#flushProgress();
        return;
      }
      this.#credits = Math.min(MESSAGE_WINDOW, this.#credits + frame.n);
      this.#flush();
      return;
    }
    if (frame.t !== 'msg' || this.#ended) return;
    const readers = this.#readers;
    if (readers !== undefined && readers.length > 0) {
      const reader = readers.shift()!;
      reader.signal.removeEventListener('abort', reader.onAbort);
      reader.resolve(frame.v);
      this.#consumed();
      return;
    }
    this.#inbox ??= [];
    this.#inbox.push(frame.v);
  }

  /**
   * The task's run is over (its result is known; call it before posting the result): a progress value
   * held back by the progress window is posted now, past the window — the caller ends with the task's
   * last report. Sends still waiting for room resolve and their messages are dropped, and so is
   * whatever it sends or reports later (its slot settles with the result).
   */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const blocked = this.#blocked;
    this.#blocked = undefined;
    this.#inbox = undefined;
    if (this.#holdsProgress) {
      const v = this.#heldProgress;
      this.#holdsProgress = false;
      this.#heldProgress = undefined;
      try {
        this.#post({ t: 'progress', v });
      } catch {
        // Checked and cloned when it was reported: a transport that fails now is gone.
      }
    }
    if (blocked !== undefined) for (const b of blocked) b.resolve();
  }

  /** `taskContext().send()`: see the module comment. */
  send(value: unknown): Promise<void> {
    try {
      checkMessage(value, 'taskContext().send()');
      if (this.#ended) return resolved;
      if (this.#credits > 0 && this.#blocked === undefined) {
        this.#post({ t: 'msg', v: value });
        this.#credits--;
        return resolved;
      }
      const v = snapshotMessage(value, 'taskContext().send()');
      this.#blocked ??= [];
      const blocked = this.#blocked;
      return new PromiseCtor<void>((resolve) => {
        blocked.push({ v, resolve });
      });
    } catch (err) {
      return PromiseCtor.reject(err) as Promise<void>;
    }
  }

  /**
   * `taskContext().progress()`: the caller keeps the latest value. Posted at once while the progress
   * window has room; else a snapshot is held (replacing the one held before) until acknowledgements come
   * back or the run ends. Throws for an unportable value.
   */
  progress(value: unknown): void {
    checkMessage(value, 'taskContext().progress()');
    if (this.#ended) return;
    if (this.#progressCredits > 0) {
      this.#progressCredits--;
      try {
        this.#post({ t: 'progress', v: value });
      } catch (err) {
        this.#progressCredits++;
        throw err;
      }
      return;
    }
    this.#heldProgress = snapshotMessage(value, 'taskContext().progress()');
    this.#holdsProgress = true;
  }

  /** `taskContext().receive()`: the next caller message; rejects with the signal's reason once it fires. */
  receive(signal: AbortSignal): Promise<unknown> {
    const inbox = this.#inbox;
    if (inbox !== undefined && this.#head < inbox.length) {
      const value = inbox[this.#head];
      inbox[this.#head++] = undefined;
      if (this.#head === inbox.length) {
        inbox.length = 0;
        this.#head = 0;
      }
      this.#consumed();
      return PromiseCtor.resolve(value);
    }
    if (signal.aborted) return PromiseCtor.reject(signal.reason);
    this.#readers ??= [];
    const readers = this.#readers;
    return new PromiseCtor<unknown>((resolve, reject) => {
      const reader: Reader = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const at = readers.indexOf(reader);
          if (at >= 0) readers.splice(at, 1);
          reject(signal.reason);
        },
      };
      readers.push(reader);
      signal.addEventListener('abort', reader.onAbort, { once: true });
    });
  }

  /** `taskContext().messages()`: the inbox as an async iterable; ends once the signal fires. */
  async *messages(signal: AbortSignal): AsyncGenerator<unknown, void, undefined> {
    while (!signal.aborted) {
      let value: unknown;
      try {
        value = await this.receive(signal);
      } catch (err) {
        if (signal.aborted) return;
        throw err;
      }
      yield value;
    }
  }

  /**
   * A caller message was consumed: credits go back in batches. Never a stall: the caller waits for room
   * only with a whole window in flight, and consuming it gives back `MESSAGE_WINDOW / CREDIT_BATCH` batches.
   */
  #consumed(): void {
    if (++this.#unacked < CREDIT_BATCH || this.#ended) return;
    const n = this.#unacked;
    this.#unacked = 0;
    this.#post({ t: 'credit', n });
  }

  /** Progress acknowledgements came back: the value held back (if any) goes now. */
  #flushProgress(): void {
    if (!this.#holdsProgress || this.#progressCredits === 0 || this.#ended) return;
    const v = this.#heldProgress;
    this.#holdsProgress = false;
    this.#heldProgress = undefined;
    this.#progressCredits--;
    try {
      this.#post({ t: 'progress', v });
    } catch {
      // Checked and cloned when it was reported: a transport that fails now is gone.
    }
  }

  /** Credits came back: post the waiting sends while there is room. */
  #flush(): void {
    const blocked = this.#blocked;
    if (blocked === undefined) return;
    let i = 0;
    while (i < blocked.length && this.#credits > 0) {
      const b = blocked[i++]!;
      this.#credits--;
      try {
        this.#post({ t: 'msg', v: b.v });
      } catch {
        // Checked and cloned when it was sent: a transport that fails now is gone; the send is over.
      }
      b.resolve();
    }
    if (i >= blocked.length) this.#blocked = undefined;
    else blocked.splice(0, i);
  }
}
