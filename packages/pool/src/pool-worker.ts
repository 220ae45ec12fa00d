/**
 * The parent's side of one pool worker thread: the thread and the private port its jobs and results
 * travel on, over the scheduling state every pool worker has (`WorkerState`). It keeps the process alive
 * only while it has work: an idle worker is unref'd.
 *
 * The port and the start counter reach the worker in its first message (`PoolHello`), not in
 * `workerData`, so no task can post on the channel or write the counter; `parentPort` is not listened
 * to. Every message read from the port is still checked (message-check.ts) and the counter is believed
 * only within bounds: a message of the wrong shape fails the running job with driver-kit's channel
 * failure and the worker is terminated.
 */
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  type TransferListItem,
  type Worker,
} from 'node:worker_threads';
import {
  channelCorruptedFailure,
  markedWorkerEnv,
  startWorkerThread,
  type WorkerEnv,
  workerTsxHook,
} from '@isolane/core/driver-kit';
import { fromWorkerProblem } from './message-check.js';
import type { FromWorker, ToWorker } from './messages.js';
import { FROM_WORKER_FAIL_RUNNING, type PoolHello, STARTED_SLOT, type WorkerBoot } from './protocol.js';
import { type WorkerEvents, WorkerState } from './worker-state.js';

// The worker entry bundled with core's runtime: one file for a new worker to load.
const ENTRY = new URL('./worker-entry.bundle.js', import.meta.url);

/** How to start a worker. */
export interface SpawnOptions {
  readonly bootstrap: string | undefined;
  readonly memoryLimitMb: number | undefined;
  readonly maxHeapMb: number;
  /** The pool's `maxResultMb` (0: none). */
  readonly maxResultMb: number;
  /** Work is waiting for it: keep the process alive while it starts. */
  readonly keepAlive: boolean;
  /** Task modules to load before it is ready. */
  readonly preload: readonly string[];
  /** The `env` option, applied to this worker when it starts. */
  readonly env?: WorkerEnv | undefined;
}

/**
 * One warm worker thread, seen from the pool.
 *
 * @example
 * ```ts
 * const w = new PoolWorker({ bootstrap: undefined, memoryLimitMb: undefined, maxHeapMb: 0, maxResultMb: 0 }, events);
 * ```
 */
export class PoolWorker extends WorkerState {
  readonly noun = 'worker thread';
  readonly thread: Worker;
  readonly port: MessagePort;
  readonly #started: Int32Array;
  /** The last believable value of the start counter (see startedCount()). */
  #startedSeen = 0;
  /** The counter went back or past the jobs sent: it is not read any more (see startedCount()). */
  #counterLied = false;
  /** Resolves once the thread has exited. */
  readonly exited: Promise<void>;
  #refed = true;
  #resolveExited!: () => void;

  constructor(options: SpawnOptions, events: WorkerEvents) {
    super(events);
    const { port1, port2 } = new MessageChannel();
    const started = new SharedArrayBuffer(4);
    this.#started = new Int32Array(started);
    const boot: WorkerBoot = {
      bootstrap: options.bootstrap,
      tsx: workerTsxHook(),
      maxHeapBytes: options.maxHeapMb * 1024 * 1024,
      maxResultMb: options.maxResultMb,
      preload: options.preload,
    };
    this.exited = new Promise<void>((resolve) => {
      this.#resolveExited = resolve;
    });
    this.thread = startWorkerThread(ENTRY, {
      workerData: boot,
      resourceLimits:
        options.memoryLimitMb === undefined ? undefined : { maxOldGenerationSizeMb: options.memoryLimitMb },
      env: markedWorkerEnv(options.env ?? 'inherit', this.tree),
    });
    // Queued before the thread runs a line: its entry takes it before anything else loads.
    this.thread.postMessage({ port: port2, started } satisfies PoolHello, [port2]);
    this.port = port1;
    port1.on('message', (message: unknown) => events.onMessage(this, this.#checked(message)));
    // It keeps the process alive only while it has work, or starts for work that is waiting.
    if (!options.keepAlive) {
      this.#refed = false;
      this.thread.unref();
      port1.unref();
    }
    this.thread.on('error', (err: Error) => {
      this.error = err;
    });
    this.thread.on('exit', (code: number) => {
      this.dead = true;
      this.endTreeAtExit();
      try {
        // Whatever the thread posted before it died is answered before its death is reconciled.
        const pending = receiveMessageOnPort(port1);
        if (pending !== undefined) events.onMessage(this, this.#checked(pending.message));
        this.#unref();
        port1.close();
        events.onExit(this, code);
      } finally {
        // Whoever awaits the thread's end (the pool's close()) must hear of it, whatever went wrong above.
        this.#resolveExited();
      }
    });
  }

  post(message: ToWorker, transfer?: readonly TransferListItem[]): void {
    if (transfer === undefined) this.port.postMessage(message);
    else this.port.postMessage(message, transfer as TransferListItem[]);
  }

  receive(): FromWorker | undefined {
    const received = receiveMessageOnPort(this.port);
    return received === undefined ? undefined : this.#checked(received.message);
  }

  /**
   * How many jobs the worker has started. The counter is shared memory the worker writes, so it is
   * believed only within bounds. A value that goes back or past the jobs sent means the worker's
   * machinery was subverted: from then on every job sent counts as started, so none of them is run
   * again elsewhere (the one running is blamed, or fails by its timeout). A lie within bounds (a lower
   * count written before the pool read the true one) cannot be told from the truth: the running job
   * then counts as not started and runs again elsewhere.
   */
  startedCount(): number {
    const raw = Atomics.load(this.#started, STARTED_SLOT);
    if (this.#counterLied || raw < this.#startedSeen || raw > this.sent) {
      this.#counterLied = true;
      this.#startedSeen = this.sent;
    } else this.#startedSeen = raw;
    return this.#startedSeen;
  }

  /**
   * `message` if it is well-formed. Otherwise the channel is corrupt: the worker is terminated and the
   * driver is handed, in the message's place, the failure of the job it runs (`FAIL_RUNNING` with
   * driver-kit's channel failure: that job fails, or, with none running, a late error of the last one).
   */
  #checked(message: unknown): FromWorker {
    const problem = fromWorkerProblem(message);
    if (problem === undefined) return message as FromWorker;
    const failure = channelCorruptedFailure({ worker: this.noun, detail: problem });
    const head = this.inflight.peek();
    // With a job running, the driver's failRunning() fails it and stops the worker for it.
    if (head === undefined) this.terminate();
    return [FROM_WORKER_FAIL_RUNNING, head === undefined ? this.lastId : head.id, failure];
  }

  busy(): void {
    if (!this.#refed) {
      this.#refed = true;
      this.port.ref();
      this.thread.ref();
    }
  }

  protected release(): void {
    this.#unref();
  }

  #unref(): void {
    if (this.#refed && (!this.held || this.dead)) {
      this.#refed = false;
      this.port.unref();
      this.thread.unref();
    }
  }

  /** Terminates the thread; its exit event does the bookkeeping. */
  protected kill(): void {
    this.thread.terminate().catch(() => {
      // already gone: the exit event has run or will run
    });
  }
}
