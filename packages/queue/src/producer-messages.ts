/**
 * The producer's side of queue task messages (issue 18): for each slot that uses them, the caller's frames
 * written to the job's caller -> task stream (kept here until the job has an id), the task -> caller
 * stream read and handed to the slot's sink, and both streams deleted once the slot settles.
 *
 * Nothing here runs for a slot that never messages: a stream is read only once the caller sent to the slot,
 * or a worker said its task sent (a `messages` notice on the queue's control channel), or the job's
 * outcome carries a mark (the id of the last frame its worker wrote: the notice may have been lost). A
 * slot whose outcome carries a mark settles only once its frames up to the mark were read — so the task's
 * messages come before its result, as with every driver.
 *
 * Workers learn that a job has caller frames by a notice too, sent when the first ones are written and
 * again when the job goes active (its "active" event), so a worker that takes the job later still reads
 * them. Progress acknowledgements of the caller are not sent: a worker acknowledges its task's progress
 * itself (progress travels as the job's progress, latest wins).
 */
import {
  type CallerFrame,
  channelCorruptedFailure,
  type TaskFailure,
  type TaskFrame,
  taskFrameProblem,
} from '@isolane/core/driver-kit';
import type { ChainableCommander, Redis } from 'ioredis';
import {
  compareIds,
  entryFrame,
  frameText,
  IN_SUFFIX,
  OUT_SUFFIX,
  rememberNotice,
  STREAM_TTL_MS,
  type StreamEntry,
} from './message-streams.js';
import type { Entry } from './queue-entry.js';
import { StreamReader } from './stream-reader.js';
import type { ControlMessage } from './wire.js';

/** How long a settle waits for the frames before its mark, ms, before it goes ahead without them. */
export const DRAIN_TIMEOUT_MS = 10_000;

/** What the producer's messages need of the driver's link to Redis (a ProducerLink). */
export interface MessagesLink {
  /** The command connection. */
  readonly client: Redis;
  /** The Redis key of a job (`<prefix>:<queue>:<id>`). */
  jobKey(jobId: string): string;
  /** The queue's control channel. */
  readonly channel: string;
}

interface SlotState {
  /** Caller frames waiting for the job's id. */
  pending: string[];
  /** The job whose streams this state writes and reads. */
  jobId?: string;
  /** Caller frames were written (and workers told). */
  inbound: boolean;
  /** Its task -> caller stream is being read. */
  reading: boolean;
  /** A settle waiting for the frames up to `mark`. */
  drain?: { readonly mark: string; readonly settle: () => void; readonly timer: NodeJS.Timeout } | undefined;
}

/**
 * Messages of one producer link's slots.
 *
 * @example
 * ```ts
 * const messages = new ProducerMessages(link, byId, (entry, failure) => abort(entry, failure));
 * handle.toTask = (frame) => messages.toTask(entry, frame);
 * ```
 */
export class ProducerMessages {
  readonly #link: MessagesLink;
  /** The driver's entries of jobs in Redis, by job id. */
  readonly #byId: ReadonlyMap<string, Entry>;
  /** Fails a slot and stops its job (a malformed frame: channel corruption). */
  readonly #fail: (entry: Entry, failure: TaskFailure) => void;
  readonly #slots = new Map<Entry, SlotState>();
  readonly #early = new Map<string, number>();
  #reader: StreamReader | undefined;
  #batch: ChainableCommander | undefined;

  constructor(
    link: MessagesLink,
    byId: ReadonlyMap<string, Entry>,
    fail: (entry: Entry, failure: TaskFailure) => void,
  ) {
    this.#link = link;
    this.#byId = byId;
    this.#fail = fail;
  }

  /** A caller frame for the slot's task (core has snapshotted it and holds the window). */
  toTask(entry: Entry, frame: CallerFrame): void {
    if (entry.state === 'done') return;
    // The worker acknowledges its task's progress reports itself.
    if (frame.t === 'credit' && (frame as { progress?: unknown }).progress === true) return;
    const text = frameText(frame); // throws for a value v8 cannot serialize: that send() rejects
    const state = this.#state(entry);
    if (state.jobId === undefined) {
      state.pending.push(text);
      return;
    }
    this.#write(entry, state, [text]);
  }

  /** The slot's job got its id in Redis: frames kept for it go now. */
  added(entry: Entry): void {
    const id = entry.id as string;
    const state = this.#slots.get(entry);
    if (state !== undefined) state.jobId = id;
    if (state !== undefined && state.pending.length > 0) {
      const texts = state.pending;
      state.pending = [];
      this.#write(entry, state, texts);
    }
    if (this.#early.delete(id)) this.#read(entry, this.#state(entry));
  }

  /** A notice on the control channel. */
  notice(msg: Extract<ControlMessage, { type: 'messages' }>): void {
    if (msg.to !== 'caller') return;
    const entry = this.#byId.get(msg.jobId);
    if (entry !== undefined && entry.id === msg.jobId) {
      this.#read(entry, this.#state(entry));
      return;
    }
    // Its add() may not have answered yet (or it is another producer's job): remember it a while.
    rememberNotice(this.#early, msg.jobId);
  }

  /** A job went active: if it has caller frames, tell its worker again. */
  active(jobId: string): void {
    const entry = this.#byId.get(jobId);
    const state = entry === undefined ? undefined : this.#slots.get(entry);
    if (state?.inbound && state.jobId !== undefined) {
      this.#commands().publish(this.#link.channel, notice(state.jobId));
    }
  }

  /**
   * The slot's outcome arrived with a mark: false when every frame up to it was read (settle now), true
   * when `settle` is called once they are (or after {@link DRAIN_TIMEOUT_MS}).
   */
  settleAfter(entry: Entry, mark: string, settle: () => void): boolean {
    const state = this.#state(entry);
    if (state.drain !== undefined) return true;
    const last = state.jobId === undefined ? undefined : this.#reader?.lastRead(this.#outKey(state.jobId));
    if (last !== undefined && compareIds(last, mark) >= 0) return false;
    const timer = setTimeout(() => this.#drained(state), DRAIN_TIMEOUT_MS);
    timer.unref();
    state.drain = { mark, settle, timer };
    this.#read(entry, state);
    return true;
  }

  /** The slot settled (or its job is left behind for a new one): stop reading, delete the streams. */
  release(entry: Entry): void {
    const state = this.#slots.get(entry);
    if (state === undefined) return;
    this.#slots.delete(entry);
    if (state.drain) clearTimeout(state.drain.timer);
    const id = state.jobId;
    if (id === undefined) return;
    if (state.reading) this.#reader?.unwatch(this.#outKey(id));
    this.#commands().del(this.#outKey(id), this.#inKey(id));
  }

  /** Stops reading (the driver's link is closing; every slot has settled). */
  close(): void {
    this.#reader?.close();
    this.#reader = undefined;
    this.#early.clear();
  }

  #state(entry: Entry): SlotState {
    let state = this.#slots.get(entry);
    if (state === undefined) {
      state = { pending: [], inbound: false, reading: false };
      this.#slots.set(entry, state);
    }
    if (entry.id !== undefined && state.jobId === undefined && entry.state === 'added')
      state.jobId = entry.id;
    return state;
  }

  #write(entry: Entry, state: SlotState, texts: readonly string[]): void {
    const id = state.jobId as string;
    const key = this.#inKey(id);
    const batch = this.#commands();
    for (const text of texts) batch.xadd(key, '*', 'f', text);
    batch.pexpire(key, STREAM_TTL_MS);
    if (!state.inbound) {
      state.inbound = true;
      batch.publish(this.#link.channel, notice(id));
    }
    // The task gives credits back through its stream.
    this.#read(entry, state);
  }

  #read(entry: Entry, state: SlotState): void {
    if (state.reading || state.jobId === undefined) return;
    state.reading = true;
    this.#reader ??= new StreamReader(this.#link.client);
    this.#reader.watch(this.#outKey(state.jobId), (entries) => this.#onEntries(entry, state, entries));
  }

  #onEntries(entry: Entry, state: SlotState, entries: readonly StreamEntry[]): void {
    for (const e of entries) {
      if (entry.state === 'done') return;
      const read = entryFrame(e);
      const problem = 'problem' in read ? read.problem : taskFrameProblem(read.frame);
      if (problem !== undefined || !('frame' in read)) {
        this.#fail(entry, channelCorruptedFailure({ worker: 'queue worker', detail: problem ?? '' }));
        return;
      }
      entry.sink.fromTask?.(read.frame as TaskFrame);
    }
    const last = entries.at(-1)?.[0];
    if (state.drain && last !== undefined && compareIds(last, state.drain.mark) >= 0) this.#drained(state);
  }

  #drained(state: SlotState): void {
    const drain = state.drain;
    if (drain === undefined) return;
    state.drain = undefined;
    clearTimeout(drain.timer);
    drain.settle();
  }

  /** The commands of this turn, sent in one pipeline at its end. */
  #commands(): ChainableCommander {
    if (this.#batch === undefined) {
      const batch = this.#link.client.pipeline();
      this.#batch = batch;
      queueMicrotask(() => {
        this.#batch = undefined;
        batch.exec().catch(() => {}); // Redis unreachable: the driver's watchdog fails the slots
      });
    }
    return this.#batch;
  }

  #outKey(jobId: string): string {
    return this.#link.jobKey(jobId) + OUT_SUFFIX;
  }

  #inKey(jobId: string): string {
    return this.#link.jobKey(jobId) + IN_SUFFIX;
  }
}

function notice(jobId: string): string {
  const msg: ControlMessage = { type: 'messages', jobId, to: 'task' };
  return JSON.stringify(msg);
}
