/**
 * The frames of a task's two-way messages (issue 18), the same on every transport: a driver carries them
 * between its worker and the WaitGroup without reading them (core interprets them on both ends). Each
 * direction has a window: at most {@link MESSAGE_WINDOW} messages sent and not yet consumed, the receiver
 * giving credits back as it consumes them.
 */

/**
 * How many messages may be in flight per direction per slot: sent, and not yet consumed by the other
 * side. The caller's memory per slot is bounded by this many buffered messages (plus the latest progress
 * value).
 *
 * @example
 * ```ts
 * for (let i = 0; i < MESSAGE_WINDOW; i++) await taskContext().send(i); // none of these waits
 * ```
 */
export const MESSAGE_WINDOW = 64;

/**
 * A receiver gives credits back in batches of this many consumed messages, so a fast stream costs one
 * credit frame per batch (it divides {@link MESSAGE_WINDOW}: a full window always gives credits back).
 *
 * @example
 * ```ts
 * if (++unacked === CREDIT_BATCH) post({ t: 'credit', n: unacked });
 * ```
 */
export const CREDIT_BATCH = 16;

/**
 * How many progress reports may be in flight per slot: posted by `taskContext().progress()` and not yet
 * acknowledged by the caller. Past it, the task side keeps only the latest value (a snapshot) and posts
 * it when acknowledgements come back — and always when the run ends, before its result — so a task
 * reporting in a tight loop never queues more than this many reports on its transport, and the caller
 * always ends with the task's last value. Progress has a window of its own: it never waits for messages,
 * nor they for it.
 *
 * @example
 * ```ts
 * for (let i = 0; i < 1e6; i++) taskContext().progress(i); // at most PROGRESS_WINDOW (+ the last) posted
 * ```
 */
export const PROGRESS_WINDOW = 8;

/**
 * The caller acknowledges progress reports in batches of this many (a `{ t: 'credit', n, progress: true }`
 * frame); it divides {@link PROGRESS_WINDOW}, so a full window always gets acknowledged.
 *
 * @example
 * ```ts
 * if (++unacked === PROGRESS_ACK_BATCH) post({ t: 'credit', n: unacked, progress: true });
 * ```
 */
export const PROGRESS_ACK_BATCH = 4;

/**
 * A frame from the running task to its caller: a message, a progress value, or credits for caller
 * messages the task consumed.
 *
 * @example
 * ```ts
 * const frame: TaskFrame = { t: 'msg', v: { done: 3 } };
 * ```
 */
export type TaskFrame =
  | { readonly t: 'msg'; readonly v: unknown }
  | { readonly t: 'progress'; readonly v: unknown }
  | { readonly t: 'credit'; readonly n: number };

/**
 * A frame from the caller to its running task: a message, credits for task messages the caller
 * consumed, or (`progress: true`) acknowledgements of progress reports it received. Every transport
 * routes all three as it routes a credit.
 *
 * @example
 * ```ts
 * const frame: CallerFrame = { t: 'credit', n: 16 };
 * const ack: CallerFrame = { t: 'credit', n: 4, progress: true };
 * ```
 */
export type CallerFrame =
  | { readonly t: 'msg'; readonly v: unknown }
  | { readonly t: 'credit'; readonly n: number; readonly progress?: true };

/**
 * True for a tag of a message frame (`msg`, `progress`, `credit`): what a transport that mixes them with
 * its own messages routes to the job's sink or mailbox.
 *
 * @example
 * ```ts
 * if (isFrameTag(m.t)) sink.fromTask?.(m as TaskFrame);
 * ```
 */
export function isFrameTag(tag: unknown): tag is TaskFrame['t'] {
  return tag === 'msg' || tag === 'progress' || tag === 'credit';
}

/**
 * A credit count as a frame may carry it: a whole number from 1 to {@link MESSAGE_WINDOW}.
 *
 * @example
 * ```ts
 * isCreditCount(16); // true
 * isCreditCount(1e9); // false
 * ```
 */
export function isCreditCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MESSAGE_WINDOW;
}
