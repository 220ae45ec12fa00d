/**
 * The parent's side of one pool worker thread: the thread, the port its jobs and results travel on, the
 * jobs in flight (in the order the worker runs them) and the bookkeeping that decides when it is busy,
 * idle, retiring or dead. It keeps the process alive only while it has work: an idle worker is unref'd.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import { startWorkerThread, type WorkerEnv, workerEnv, workerTsxHook } from '@isolane/core/driver-kit';
import { Deque } from './deque.js';
import type { PoolJob } from './pool-job.js';
import { STARTED_SLOT, type WorkerBoot } from './protocol.js';

// The worker entry bundled with core's runtime: one file for a new worker to load.
const ENTRY = new URL('./worker-entry.bundle.js', import.meta.url);

/** How the driver hears from a worker. */
export interface WorkerEvents {
  onMessage(worker: PoolWorker, message: unknown[]): void;
  onExit(worker: PoolWorker, code: number): void;
}

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
  readonly env?: WorkerEnv;
}

/**
 * One warm worker thread, seen from the pool.
 *
 * @example
 * ```ts
 * const w = new PoolWorker({ bootstrap: undefined, memoryLimitMb: undefined, maxHeapMb: 0 }, events);
 * ```
 */
export class PoolWorker {
  readonly thread: Worker;
  readonly port: MessagePort;
  readonly #started: Int32Array;
  /** Jobs sent and not answered yet, in the order the worker runs them. */
  readonly inflight = new Deque<PoolJob>();
  /** Task spec references this worker has already been told about. */
  readonly known: boolean[] = [];
  /** Resolves once the thread has exited. */
  readonly exited: Promise<void>;
  /** The bootstrap has loaded; jobs may be sent. */
  ready = false;
  /** Takes no new jobs; terminated once its jobs in flight are answered. */
  retiring = false;
  /** Start a successor once it is terminated. */
  replaceWhenDone = false;
  /** Being terminated on purpose: takes nothing more. */
  dying = false;
  /** The thread has exited. */
  dead = false;
  /** Jobs sent so far (the last one's `seq`). */
  sent = 0;
  /** When its current head job became the one it runs (performance.now()). */
  headSince = 0;
  /** The head job's deadline (performance.now() ms), 0 for none. */
  deadline = 0;
  timer: NodeJS.Timeout | undefined = undefined;
  timerAt = 0;
  /** When it last became idle. */
  idleSince = 0;
  /** The job whose work a deliberate kill stops (timeout, abort, a task that broke the worker). */
  killTarget: PoolJob | undefined = undefined;
  /** `process.exit(code)` was called in it, by job `id` (-1: outside any task). */
  exitNote: { id: number; code: number } | undefined = undefined;
  /** An 'error' event (an out-of-memory kill, or an entry that failed to load). */
  error: Error | undefined = undefined;
  /** Id of the last job it answered, to route errors raised outside any task. */
  lastId = -1;
  #refed = true;
  /** Someone waits for the thread to stop: it stays ref'd until it has exited (see `stop()`). */
  #held = false;
  #resolveExited!: () => void;

  constructor(options: SpawnOptions, events: WorkerEvents) {
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
      ...(options.memoryLimitMb !== undefined
        ? { resourceLimits: { maxOldGenerationSizeMb: options.memoryLimitMb } }
        : {}),
      ...(options.env !== undefined && options.env !== 'inherit' ? { env: workerEnv(options.env) } : {}),
    });
    this.port = port1;
    port1.on('message', (message: unknown[]) => events.onMessage(this, message));
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
        if (pending !== undefined) events.onMessage(this, pending.message as unknown[]);
        this.#unref();
        port1.close();
        events.onExit(this, code);
      } finally {
        // Whoever awaits the thread's end (the pool's close()) must hear of it, whatever went wrong above.
        this.#resolveExited();
      }
    });
  }

  /** How many jobs the worker has started (its last started job's `seq`). */
  startedCount(): number {
    return Atomics.load(this.#started, STARTED_SLOT);
  }

  /** True when it can take jobs now. */
  get usable(): boolean {
    return this.ready && !this.retiring && !this.dying && !this.dead;
  }

  /** Called when it goes from idle to busy, or work waits for it to start. */
  busy(): void {
    if (!this.#refed) {
      this.#refed = true;
      this.port.ref();
      this.thread.ref();
    }
  }

  /** Called when it has nothing in flight: it no longer keeps the process alive. */
  idle(now: number): void {
    this.idleSince = now;
    this.#unref();
  }

  #unref(): void {
    if (this.#refed && (!this.#held || this.dead)) {
      this.#refed = false;
      this.port.unref();
      this.thread.unref();
    }
  }

  /**
   * Stops the thread and resolves once it is gone. Someone waits for that, so the thread keeps the
   * process alive until its exit event has run, whatever arrives meanwhile: a message it posted just
   * before the stop (BOOTED, READY, a late error) would otherwise find it idle and unref it, and a thread
   * that takes a while to wind down (still loading its modules, or blocked in a synchronous call) would
   * then let the event loop empty first — the exit event, and whatever awaits it, would never come.
   */
  stop(): Promise<void> {
    if (!this.dead) {
      this.#held = true;
      this.busy();
      this.terminate();
    }
    return this.exited;
  }

  /**
   * Stops the thread (idempotent); the exit event does the bookkeeping. Nothing waits for it, so it holds
   * nothing open: an idle worker being recycled must not keep the process alive (`stop()` does).
   */
  terminate(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.dying = true;
    this.thread.terminate().catch(() => {
      // already gone: the exit event has run or will run
    });
  }
}
