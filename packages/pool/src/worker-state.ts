/**
 * What the pool's scheduling knows about one worker, whatever hosts it: the jobs in flight (in the order
 * the worker runs them) and the bookkeeping that decides when it is busy, idle, retiring or dead. The
 * transport — a worker thread and its port (`PoolWorker`), or a child process and its IPC channel
 * (`ProcessWorker`) — is what the subclasses add: how a message goes out, how the next one already
 * received is read synchronously, how many jobs the worker has started, and how it is kept alive,
 * released and stopped.
 */
import type { TransferListItem } from 'node:worker_threads';
import type { TaskFailure } from '@isolane/core';
import { Deque } from './deque.js';
import type { PoolJob } from './pool-job.js';

/** How the driver hears from a worker. */
export interface WorkerEvents {
  onMessage(worker: WorkerState, message: unknown[]): void;
  onExit(worker: WorkerState, code: number): void;
}

/**
 * One warm worker, seen from the pool's scheduling.
 *
 * @example
 * ```ts
 * class MyWorker extends WorkerState { … } // implements post, receive, startedCount, busy, idle, kill, exited
 * ```
 */
export abstract class WorkerState {
  /** Jobs sent and not answered yet, in the order the worker runs them. */
  readonly inflight = new Deque<PoolJob>();
  /** Task spec references this worker has already been told about. */
  readonly known: boolean[] = [];
  /** The bootstrap has loaded; jobs may be sent. */
  ready = false;
  /** Takes no new jobs; terminated once its jobs in flight are answered. */
  retiring = false;
  /** Start a successor once it is terminated. */
  replaceWhenDone = false;
  /** Being terminated on purpose: takes nothing more. */
  dying = false;
  /** The worker has exited. */
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
  /**
   * A job whose timeout passed before the worker said it had started it (a process's start marker may
   * still be on its way): if the death shows it had started, it failed by its timeout.
   */
  overdue: PoolJob | undefined = undefined;
  /** `process.exit(code)` was called in it, by job `id` (-1: outside any task). */
  exitNote: { id: number; code: number } | undefined = undefined;
  /** An 'error' event (an out-of-memory kill, or an entry that failed to load). */
  error: Error | undefined = undefined;
  /** Id of the last job it answered, to route errors raised outside any task. */
  lastId = -1;
  /** Someone waits for it to stop: it stays ref'd until it has exited (see `stop()`). */
  protected held = false;
  /** Resolves once it has exited (and its death has been reconciled). */
  abstract readonly exited: Promise<void>;

  /** True when it can take jobs now. */
  get usable(): boolean {
    return this.ready && !this.retiring && !this.dying && !this.dead;
  }

  /** Sends one message of the protocol; throws (synchronously) when it cannot be serialized. */
  abstract post(message: unknown[], transfer?: readonly TransferListItem[]): void;
  /** The next message the worker sent that has already arrived, read synchronously. */
  abstract receive(): unknown[] | undefined;
  /** How many jobs the worker has started (its last started job's `seq`). */
  abstract startedCount(): number;
  /** Called when it goes from idle to busy, or work waits for it to start. */
  abstract busy(): void;
  /** Called when it has nothing in flight: it no longer keeps the process alive. */
  abstract idle(now: number): void;
  /** Ends the thread or process now (idempotent); its exit event does the bookkeeping. */
  protected abstract kill(): void;

  /**
   * Stops it and resolves once it is gone. Someone waits for that, so it keeps the process alive until
   * its exit event has run, whatever arrives meanwhile: a message it posted just before the stop
   * (BOOTED, READY, a late error) would otherwise find it idle and unref it, and a worker that takes a
   * while to wind down (still loading its modules, or blocked in a synchronous call) would then let the
   * event loop empty first — the exit event, and whatever awaits it, would never come.
   */
  stop(): Promise<void> {
    if (!this.dead) {
      this.held = true;
      this.busy();
      this.terminate();
    }
    return this.exited;
  }

  /**
   * Stops it (idempotent); the exit event does the bookkeeping. Nothing waits for it, so it holds nothing
   * open: an idle worker being recycled must not keep the process alive (`stop()` does).
   */
  terminate(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.dying = true;
    this.kill();
  }
  /**
   * The failure of `job` (undefined: no task was running) for a death that `process.exit()` did not
   * explain, or undefined to let the driver describe it from `error` and the exit code.
   */
  deathFailure(_code: number, _memoryLimitMb: number | undefined): TaskFailure | undefined {
    return undefined;
  }
}
