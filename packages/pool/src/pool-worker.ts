/**
 * The parent's side of one pool worker thread: the thread and the port its jobs and results travel on,
 * over the scheduling state every pool worker has (`WorkerState`). It keeps the process alive only while
 * it has work: an idle worker is unref'd.
 */
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  type TransferListItem,
  type Worker,
} from 'node:worker_threads';
import { startWorkerThread, type WorkerEnv, workerEnv, workerTsxHook } from '@isolane/core/driver-kit';
import type { FromWorker, ToWorker } from './messages.js';
import { STARTED_SLOT, type WorkerBoot } from './protocol.js';
import { type WorkerEvents, WorkerState } from './worker-state.js';

// The worker entry bundled with core's runtime: one file for a new worker to load.
const ENTRY = new URL('./worker-entry.bundle.js', import.meta.url);

/** How to start a worker. */
export interface SpawnOptions {
  readonly bootstrap: string | undefined;
  readonly memoryLimitMb: number | undefined;
  readonly maxHeapMb: number;
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
 * const w = new PoolWorker({ bootstrap: undefined, memoryLimitMb: undefined, maxHeapMb: 0 }, events);
 * ```
 */
export class PoolWorker extends WorkerState {
  readonly noun = 'worker thread';
  readonly thread: Worker;
  readonly port: MessagePort;
  readonly #started: Int32Array;
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
      port: port2,
      bootstrap: options.bootstrap,
      tsx: workerTsxHook(),
      started,
      maxHeapBytes: options.maxHeapMb * 1024 * 1024,
      preload: options.preload,
    };
    this.exited = new Promise<void>((resolve) => {
      this.#resolveExited = resolve;
    });
    this.thread = startWorkerThread(ENTRY, {
      workerData: boot,
      transferList: [port2],
      resourceLimits:
        options.memoryLimitMb === undefined ? undefined : { maxOldGenerationSizeMb: options.memoryLimitMb },
      env: options.env === undefined || options.env === 'inherit' ? undefined : workerEnv(options.env),
    });
    this.port = port1;
    port1.on('message', (message: FromWorker) => events.onMessage(this, message));
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
      try {
        // Whatever the thread posted before it died is answered before its death is reconciled.
        const pending = receiveMessageOnPort(port1);
        if (pending !== undefined) events.onMessage(this, pending.message as FromWorker);
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
    return receiveMessageOnPort(this.port)?.message as FromWorker | undefined;
  }

  startedCount(): number {
    return Atomics.load(this.#started, STARTED_SLOT);
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
