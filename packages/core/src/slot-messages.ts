/**
 * The caller side of one slot's two-way messages (issue 18): the buffer of task messages (bounded by
 * the window: a worker that goes past it, or forges credits, corrupts its slot's channel), the caller's
 * sends waiting for room or for the job to start, the latest progress value (each report acknowledged,
 * in batches, so the task side keeps at most `PROGRESS_WINDOW` in flight), and credits given back in
 * batches as the caller consumes. The WaitGroup keeps one per slot that uses messages, made on first use.
 */
import type { JobHandle } from './driver.js';
import {
  type CallerFrame,
  CREDIT_BATCH,
  isCreditCount,
  MESSAGE_WINDOW,
  PROGRESS_ACK_BATCH,
  type TaskFrame,
} from './message-frames.js';

/** What a slot's messages need of their group. */
export interface SlotMessagesHost {
  /** The group's `onMessage` option. */
  readonly onMessage: ((message: unknown, slot: number) => void) | undefined;
  /** The group's `onProgress` option. */
  readonly onProgress: ((value: unknown, slot: number) => void) | undefined;
  /** A message was dropped: its slot had settled. */
  dropped(): void;
  /** The task broke the window or sent a malformed frame: fail the slot and stop its job. */
  corrupt(slot: number, detail: string): void;
  /** An `onMessage` / `onProgress` handler threw. */
  handlerThrew(slot: number, err: unknown): void;
}

/** A caller message waiting for room, or for its job to start. */
interface Waiting {
  readonly v: unknown;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

const resolved: Promise<void> = Promise.resolve();

/**
 * One slot's messages, seen from the caller.
 *
 * @example
 * ```ts
 * const box = new SlotMessages(host, 0, 'thread');
 * box.attach(handle);            // the job started
 * box.fromTask({ t: 'msg', v: 1 });
 * for await (const m of box.messages()) console.log(m);
 * ```
 */
export class SlotMessages {
  readonly #host: SlotMessagesHost;
  readonly #slot: number;
  #driver: string | undefined;
  #handle: JobHandle | undefined;
  /** Caller messages that may still go before the task gives credits back. */
  #credits = MESSAGE_WINDOW;
  #waiting: Waiting[] | undefined;
  /** Task messages not consumed yet; `#head` is the next one. */
  #buffer: unknown[] | undefined;
  #head = 0;
  /** Task messages received and not yet credited back (buffered or consumed): at most the window. */
  #inFlight = 0;
  #unacked = 0;
  #wake: (() => void) | undefined;
  #settled = false;
  #hasProgress = false;
  #progress: unknown;
  /** Progress reports received and not acknowledged yet. */
  #progressUnacked = 0;

  constructor(host: SlotMessagesHost, slot: number, driver: string | undefined) {
    this.#host = host;
    this.#slot = slot;
    this.#driver = driver;
  }

  /** The latest progress value the task reported (undefined: none yet). */
  get progress(): unknown {
    return this.#hasProgress ? this.#progress : undefined;
  }

  /** The job started: its handle carries the caller's frames. Sends that waited for it go now. */
  attach(handle: JobHandle, driver: string | undefined): void {
    this.#handle = handle;
    this.#driver = driver ?? this.#driver;
    if (this.#progressUnacked >= PROGRESS_ACK_BATCH) this.#ackProgress();
    this.#flush();
  }

  /** A caller message (already checked and snapshotted by the group). */
  send(value: unknown): Promise<void> {
    if (this.#settled) {
      this.#host.dropped();
      return resolved;
    }
    const handle = this.#handle;
    if (handle !== undefined && handle.toTask === undefined) return Promise.reject(this.#unsupported());
    if (handle !== undefined && this.#credits > 0 && this.#waiting === undefined) {
      this.#credits--;
      handle.toTask!({ t: 'msg', v: value });
      return resolved;
    }
    this.#waiting ??= [];
    const waiting = this.#waiting;
    return new Promise<void>((resolve, reject) => {
      waiting.push({ v: value, resolve, reject });
    });
  }

  /** A frame from the task, as its driver received it. */
  fromTask(frame: TaskFrame): void {
    switch (frame.t) {
      case 'msg':
        this.#onMessage(frame.v);
        return;
      case 'progress':
        if (this.#settled) return;
        this.#hasProgress = true;
        this.#progress = frame.v;
        if (this.#host.onProgress) {
          try {
            this.#host.onProgress(frame.v, this.#slot);
          } catch (err) {
            this.#host.handlerThrew(this.#slot, err);
          }
        }
        // After the handler: under cooperative the acknowledgement may bring the next report at once.
        if (++this.#progressUnacked >= PROGRESS_ACK_BATCH) this.#ackProgress();
        return;
      case 'credit':
        if (this.#settled) return;
        if (!isCreditCount(frame.n) || this.#credits + frame.n > MESSAGE_WINDOW) {
          this.#host.corrupt(this.#slot, `a credit of ${String(frame.n)} beyond the message window`);
          return;
        }
        this.#credits += frame.n;
        this.#flush();
        return;
      default:
        this.#host.corrupt(this.#slot, 'a message frame of unknown type');
    }
  }

  /** The slot settled: waiting sends resolve (their messages dropped), readers end after the buffer. */
  settle(): void {
    if (this.#settled) return;
    this.#settled = true;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting !== undefined) {
      for (const w of waiting) {
        this.#host.dropped();
        w.resolve();
      }
    }
    this.#wakeReaders();
  }

  /** The task's messages in order; ends once the slot settled and the buffer is empty. */
  async *messages(): AsyncGenerator<unknown, void, undefined> {
    for (;;) {
      const buffer = this.#buffer;
      if (buffer !== undefined && this.#head < buffer.length) {
        const value = buffer[this.#head];
        buffer[this.#head++] = undefined;
        if (this.#head === buffer.length) {
          buffer.length = 0;
          this.#head = 0;
        }
        this.#consumed();
        yield value;
        continue;
      }
      if (this.#settled) return;
      await new Promise<void>((resolve) => {
        const previous = this.#wake;
        this.#wake = previous
          ? () => {
              previous();
              resolve();
            }
          : resolve;
      });
    }
  }

  #onMessage(value: unknown): void {
    if (this.#settled) {
      this.#host.dropped();
      return;
    }
    if (++this.#inFlight > MESSAGE_WINDOW) {
      this.#host.corrupt(this.#slot, `more than ${MESSAGE_WINDOW} messages in flight (the message window)`);
      return;
    }
    const onMessage = this.#host.onMessage;
    if (onMessage !== undefined) {
      try {
        onMessage(value, this.#slot);
      } catch (err) {
        this.#host.handlerThrew(this.#slot, err);
      }
      this.#consumed();
      return;
    }
    this.#buffer ??= [];
    this.#buffer.push(value);
    this.#wakeReaders();
  }

  /**
   * A task message was consumed: credits go back in batches. Never a stall: a task waits for room only
   * with a whole window in flight, and consuming it gives back `MESSAGE_WINDOW / CREDIT_BATCH` batches.
   */
  #consumed(): void {
    if (++this.#unacked < CREDIT_BATCH || this.#settled) return;
    const n = this.#unacked;
    this.#unacked = 0;
    this.#inFlight -= n;
    this.#toTask({ t: 'credit', n });
  }

  /**
   * Acknowledges the progress reports received (never a stall: the task holds a report back only with a
   * whole window in flight, and receiving it sends `PROGRESS_WINDOW / PROGRESS_ACK_BATCH` batches). Kept
   * for later while the job's handle is not known yet, or after the slot settled (nothing to free).
   */
  #ackProgress(): void {
    if (this.#handle === undefined || this.#settled) return;
    const n = this.#progressUnacked;
    this.#progressUnacked = 0;
    this.#toTask({ t: 'credit', n, progress: true });
  }

  #toTask(frame: CallerFrame): void {
    try {
      this.#handle?.toTask?.(frame);
    } catch (err) {
      this.#host.handlerThrew(this.#slot, err);
    }
  }

  /** Sends that waited go while there is room (or fail, if the driver carries no messages). */
  #flush(): void {
    const waiting = this.#waiting;
    const handle = this.#handle;
    if (waiting === undefined || handle === undefined) return;
    if (handle.toTask === undefined) {
      this.#waiting = undefined;
      const err = this.#unsupported();
      for (const w of waiting) w.reject(err);
      return;
    }
    let i = 0;
    while (i < waiting.length && this.#credits > 0 && !this.#settled) {
      const w = waiting[i++]!;
      this.#credits--;
      try {
        handle.toTask({ t: 'msg', v: w.v });
        w.resolve();
      } catch (err) {
        w.reject(err);
      }
    }
    if (i >= waiting.length) this.#waiting = undefined;
    else waiting.splice(0, i);
  }

  #wakeReaders(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #unsupported(): Error {
    return new Error(
      `WaitGroup.send(): the ${this.#driver ?? 'current'} driver does not carry task messages (see docs/channels.md)`,
    );
  }
}
