/**
 * A worker's side of queue task messages (issue 18): the bridge between a running job's local slot (its
 * task on the worker's local driver) and the job's two message streams in Redis (message-streams.ts).
 * The task's messages and credits go to the task -> caller stream (one pipeline per turn; the first write
 * also tells the producer, by a `messages` notice on the control channel); the caller's frames are read
 * from the caller -> task stream and handed to the local slot. A job gets a bridge only when its task
 * sends, or when its producer announces caller frames: other jobs cost nothing here.
 *
 * The worker holds the window of task messages like a caller does: more than `MESSAGE_WINDOW` in flight
 * (sent, not credited back by the caller) fails the job with a ChannelError, and nothing past the window is
 * written, so the stream stays bounded even for a task that forges its own credits. When the local slot
 * settles, its outcome waits for the frames written before it and carries the id of the last one (the
 * mark), so the producer reads them before it settles the slot.
 */
import {
  type CallerFrame,
  channelCorruptedFailure,
  type JobHandle,
  MESSAGE_WINDOW,
  makeFailure,
  type TaskFrame,
} from '@isolane/core/driver-kit';
import type { ChainableCommander, Redis } from 'ioredis';
import {
  callerFrameProblem,
  entryFrame,
  frameText,
  IN_SUFFIX,
  OUT_SUFFIX,
  rememberNotice,
  STREAM_TTL_MS,
  type StreamEntry,
} from './message-streams.js';
import { StreamReader } from './stream-reader.js';
import type { ControlMessage } from './wire.js';

/** The worker noun in a ChannelError's message. */
const WORKER = 'queue worker';

interface Bridge {
  readonly jobId: string;
  readonly handle: JobHandle;
  readonly outKey: string;
  readonly inKey: string;
  /** Task messages written and not credited back by the caller. */
  inFlight: number;
  /** The producer was told this job has task frames. */
  told: boolean;
  reading: boolean;
  /** Resolves with the id of the last frame written (undefined: none). */
  written: Promise<string | undefined>;
  broken: boolean;
}

/** One turn's writes: the pipeline, and where each bridge's last frame is in it. */
interface Turn {
  readonly pipe: ChainableCommander;
  readonly marks: Map<Bridge, number>;
  count: number;
}

/** What the worker's messages need of their worker. */
export interface WorkerMessagesHost {
  /** The worker's command connection. */
  readonly client: Redis;
  /** The Redis key of a job (`<prefix>:<queue>:<id>`). */
  jobKey(jobId: string): string;
  /** The queue's control channel. */
  readonly channel: string;
  /** The local handle of a job running here. */
  running(jobId: string): JobHandle | undefined;
}

/**
 * The message bridges of one worker's running jobs.
 *
 * @example
 * ```ts
 * const messages = new WorkerMessages(host);
 * driver.start(job, { settle, stray, fromTask: (f) => messages.fromTask(id, handle, f) });
 * ```
 */
export class WorkerMessages {
  readonly #host: WorkerMessagesHost;
  readonly #bridges = new Map<string, Bridge>();
  readonly #announced = new Map<string, number>();
  #reader: StreamReader | undefined;
  #batch: Turn | undefined;

  constructor(host: WorkerMessagesHost) {
    this.#host = host;
  }

  /** A message or credit frame of a local task (progress goes its own way). */
  fromTask(jobId: string, handle: JobHandle, frame: TaskFrame): void {
    // Frames a local driver delivers after its slot settled (a batch the task posted at once): dropped.
    const bridge =
      this.#bridges.get(jobId) ?? (this.#host.running(jobId) ? this.#bridge(jobId, handle) : undefined);
    if (bridge === undefined || bridge.broken) return;
    if (frame.t === 'msg' && ++bridge.inFlight > MESSAGE_WINDOW) {
      this.#break(bridge, `more than ${MESSAGE_WINDOW} messages in flight (the message window)`);
      return;
    }
    let text: string;
    try {
      text = frameText(frame);
    } catch (err) {
      bridge.broken = true;
      handle.abort(
        makeFailure(
          'unserializable',
          `a task message cannot be sent through Redis: ${(err as Error).message}`,
        ),
      );
      return;
    }
    this.#write(bridge, text);
    // The caller's credits come back through the other stream.
    this.#read(bridge);
  }

  /** A notice on the control channel: a producer wrote caller frames for a job. */
  notice(msg: Extract<ControlMessage, { type: 'messages' }>): void {
    if (msg.to !== 'task') return;
    const handle = this.#host.running(msg.jobId);
    if (handle !== undefined) {
      this.#read(this.#bridge(msg.jobId, handle));
      return;
    }
    // Not running here (yet): remembered a while, for a job this worker is about to start.
    rememberNotice(this.#announced, msg.jobId);
  }

  /** A job started here: read its caller frames if they were announced. */
  started(jobId: string, handle: JobHandle): void {
    if (this.#announced.delete(jobId)) this.#read(this.#bridge(jobId, handle));
  }

  /**
   * The job's local slot settled: stop reading. Undefined for a job that never messaged; else resolves,
   * once its frames are written, with the id of the last one (the outcome's mark). A cancelled job's
   * producer has moved on: its streams are deleted instead.
   */
  end(jobId: string, cancelled: boolean): Promise<string | undefined> | undefined {
    this.#announced.delete(jobId);
    const bridge = this.#bridges.get(jobId);
    if (bridge === undefined) return undefined;
    this.#bridges.delete(jobId);
    bridge.broken = true;
    if (bridge.reading) this.#reader?.unwatch(bridge.inKey);
    if (this.#batch?.marks.has(bridge)) this.#send(this.#batch);
    return bridge.written.then(
      (mark) => {
        if (!cancelled) return mark;
        this.#host.client.del(bridge.outKey, bridge.inKey).catch(() => {});
        return undefined;
      },
      () => undefined,
    );
  }

  /** Stops reading. */
  close(): void {
    this.#reader?.close();
    this.#reader = undefined;
  }

  #bridge(jobId: string, handle: JobHandle): Bridge {
    let bridge = this.#bridges.get(jobId);
    if (bridge === undefined) {
      const key = this.#host.jobKey(jobId);
      bridge = {
        jobId,
        handle,
        outKey: key + OUT_SUFFIX,
        inKey: key + IN_SUFFIX,
        inFlight: 0,
        told: false,
        reading: false,
        written: Promise.resolve(undefined),
        broken: false,
      };
      this.#bridges.set(jobId, bridge);
    }
    return bridge;
  }

  #break(bridge: Bridge, detail: string): void {
    bridge.broken = true;
    bridge.handle.abort(channelCorruptedFailure({ worker: WORKER, detail }));
  }

  #write(bridge: Bridge, text: string): void {
    const turn = this.#turn();
    turn.pipe.xadd(bridge.outKey, '*', 'f', text);
    const first = !turn.marks.has(bridge);
    turn.marks.set(bridge, turn.count++);
    if (first) {
      turn.pipe.pexpire(bridge.outKey, STREAM_TTL_MS);
      turn.count++;
    }
    if (!bridge.told) {
      bridge.told = true;
      const msg: ControlMessage = { type: 'messages', jobId: bridge.jobId, to: 'caller' };
      turn.pipe.publish(this.#host.channel, JSON.stringify(msg));
      turn.count++;
    }
  }

  /** This turn's writes, sent in one pipeline at its end (or when a job writing in it ends). */
  #turn(): Turn {
    if (this.#batch === undefined) {
      const turn: Turn = { pipe: this.#host.client.pipeline(), marks: new Map(), count: 0 };
      this.#batch = turn;
      queueMicrotask(() => this.#send(turn));
    }
    return this.#batch;
  }

  /** Sends a turn's writes; each bridge in it learns the id of its last frame. */
  #send(turn: Turn): void {
    if (this.#batch !== turn) return; // sent already
    this.#batch = undefined;
    const sent = turn.pipe.exec();
    for (const [bridge, at] of turn.marks) {
      const before = bridge.written;
      bridge.written = sent.then(
        (replies) => {
          const reply = replies?.[at];
          return reply && !reply[0] ? String(reply[1]) : before;
        },
        () => before, // Redis unreachable: the frames are lost, the producer's watchdog takes over
      );
    }
  }

  #read(bridge: Bridge): void {
    if (bridge.reading || bridge.broken) return;
    bridge.reading = true;
    this.#reader ??= new StreamReader(this.#host.client);
    this.#reader.watch(bridge.inKey, (entries) => this.#onEntries(bridge, entries));
  }

  #onEntries(bridge: Bridge, entries: readonly StreamEntry[]): void {
    for (const e of entries) {
      if (bridge.broken) return;
      const read = entryFrame(e);
      const problem = 'problem' in read ? read.problem : callerFrameProblem(read.frame);
      if (problem !== undefined || !('frame' in read)) {
        this.#break(bridge, problem ?? '');
        return;
      }
      const frame = read.frame as CallerFrame;
      if (frame.t === 'credit' && (frame as { progress?: unknown }).progress !== true) {
        bridge.inFlight = Math.max(0, bridge.inFlight - frame.n);
      }
      bridge.handle.toTask?.(frame);
    }
  }
}
