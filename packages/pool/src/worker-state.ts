/**
 * What the pool knows about one worker, whatever hosts it: the jobs in flight (in the order the worker
 * runs them), its life (starting, ready, retiring, dying, dead) and the deadline of the job it runs —
 * a timeout, or the grace an aborted job gets to be skipped (head-deadline.ts). The driver decides *which* worker gets a
 * job and when one is retired; this class keeps the worker's own books and stops it when its running
 * job must end — and two bounds of its own: a bootstrap that must load in time, and code a task left
 * behind that must not keep it from starting its next job for long. The transport — a worker thread and its port (`PoolWorker`), or a child process and its
 * IPC channel (`ProcessWorker`) — is what the subclasses add: how a message goes out, how the next one
 * already received is read synchronously, how many jobs the worker has started, and how it is kept
 * alive, released and stopped.
 */
import type { TransferListItem } from 'node:worker_threads';
import {
  endProcessTree,
  JobQueue,
  newTreeMarker,
  type TaskFailure,
  type WorkerNoun,
} from '@isolane/core/driver-kit';
import { ABORT_GRACE_MS, HeadDeadline } from './head-deadline.js';
import type { FromWorker, ToWorker } from './messages.js';
import type { PoolJob } from './pool-job.js';
import { TO_WORKER_CANCEL } from './protocol.js';
import { StartWatch } from './start-watch.js';
import { resendKept } from './task-channel.js';

import type { ExitNote, InflightView, WorkerDeath, WorkerEvents } from './worker-events.js';

export type { ExitNote, InflightView, WorkerDeath, WorkerEvents } from './worker-events.js';

/**
 * One warm worker, seen from the pool's scheduling.
 *
 * @example
 * ```ts
 * class MyWorker extends WorkerState { … } // implements post, receive, startedCount, busy, release, kill, exited
 * ```
 */
export abstract class WorkerState {
  protected readonly events: WorkerEvents;
  readonly #inflight = new JobQueue<PoolJob>();
  /** Task spec references this worker has already been told about. */
  readonly #known: boolean[] = [];
  #ready = false;
  #retiring = false;
  #replaceWhenDone = false;
  #dying = false;
  #dead = false;
  #sent = 0;
  #headSince = 0;
  /** The head job's timeout, or the grace an aborted head gets (head-deadline.ts). */
  readonly #deadline: HeadDeadline = new HeadDeadline(this);
  #idleSince = 0;
  #killTarget: PoolJob | undefined = undefined;
  #exitNote: ExitNote | undefined = undefined;
  #error: Error | undefined = undefined;
  #lastId = -1;
  /** The `lingerMs` bound on starting the head job (none until `watchStarts`). */
  #startWatch: StartWatch | undefined = undefined;
  #bootTimer: NodeJS.Timeout | undefined = undefined;
  #bootTimedOut = false;
  /** The jobs queued before it started have lower ids than this (set by the pool). */
  jobsBefore = 0;
  /** Someone waits for it to stop: it stays ref'd until it has exited (see `stop()`). */
  protected held = false;
  /** The `ISOLANE_TREE` marker every process its tasks start carries: they end with it. */
  readonly tree: string = newTreeMarker();
  #treeStopped = false;
  /** Resolves once it has exited (and its death has been reconciled). */
  abstract readonly exited: Promise<void>;
  /** What it is, as failures name it (`'worker thread'`, `'worker process'`). */
  abstract readonly noun: WorkerNoun;

  constructor(events: WorkerEvents) {
    this.events = events;
  }

  /** Jobs sent and not answered yet, in the order the worker runs them. */
  get inflight(): InflightView {
    return this.#inflight;
  }
  /** The bootstrap has loaded; jobs may be sent. */
  get ready(): boolean {
    return this.#ready;
  }
  /** Takes no new jobs; terminated once its jobs in flight are answered. */
  get retiring(): boolean {
    return this.#retiring;
  }
  /** Being terminated on purpose: takes nothing more. */
  get dying(): boolean {
    return this.#dying;
  }
  /** The worker has exited. */
  get dead(): boolean {
    return this.#dead;
  }
  protected set dead(value: boolean) {
    this.#dead = value;
  }
  /** Jobs sent so far (the last one's `seq`). */
  get sent(): number {
    return this.#sent;
  }
  /** When it last became idle (performance.now()). */
  get idleSince(): number {
    return this.#idleSince;
  }
  /** The job whose work a deliberate kill stops (timeout, abort, a task that broke the worker). */
  get killTarget(): PoolJob | undefined {
    return this.#killTarget;
  }
  /**
   * A job whose timeout passed before the worker said it had started it (a process's start marker may
   * still be on its way): if the death shows it had started, it failed by its timeout.
   */
  get overdue(): PoolJob | undefined {
    return this.#deadline.overdue;
  }
  /** `process.exit(code)` was called in it. */
  get exitNote(): ExitNote | undefined {
    return this.#exitNote;
  }
  /** An 'error' event (an out-of-memory kill, or an entry that failed to load). */
  get error(): Error | undefined {
    return this.#error;
  }
  protected set error(err: Error) {
    this.#error = err;
  }
  /**
   * It was stopped because it did not start the job it was sent within `lingerMs` (code a task left
   * behind kept it busy): the jobs it had not started run elsewhere; nobody is blamed.
   */
  get stalled(): boolean {
    return this.#startWatch?.stalled === true;
  }
  /** It was stopped because its bootstrap did not load within `bootstrapTimeout`. */
  get bootTimedOut(): boolean {
    return this.#bootTimedOut;
  }
  /** Id of the last job it answered, to route errors raised outside any task. */
  get lastId(): number {
    return this.#lastId;
  }
  /** True when it can take jobs now. */
  get usable(): boolean {
    return this.#ready && !this.#retiring && !this.#dying && !this.#dead;
  }
  /** Not dead, dying or retiring: it counts toward the pool's size. */
  get live(): boolean {
    return !this.#dead && !this.#dying && !this.#retiring;
  }

  /** Sends one message of the protocol; throws (synchronously) when it cannot be serialized. */
  abstract post(message: ToWorker, transfer?: readonly TransferListItem[]): void;
  /** The next message the worker sent that has already arrived, read synchronously. */
  abstract receive(): FromWorker | undefined;
  /** How many jobs the worker has started (its last started job's `seq`). */
  abstract startedCount(): number;
  /** Called when it goes from idle to busy, or work waits for it to start. */
  abstract busy(): void;
  /** It has nothing in flight: it no longer keeps the process alive (unless someone waits for it). */
  protected abstract release(): void;
  /** Ends the thread or process now (idempotent); its exit event does the bookkeeping. */
  protected abstract kill(): void;

  /** True once it has been told about task spec `ref` (and marks it told). */
  knows(ref: number): boolean {
    if (this.#known[ref] === true) return true;
    this.#known[ref] = true;
    return false;
  }

  /** Those introductions did not go out after all (the message could not be sent). */
  forget(refs: readonly number[]): void {
    for (const ref of refs) this.#known[ref] = false;
  }

  /** Its bootstrap and preloads have loaded and the task path is warm: jobs may be sent. */
  markReady(): void {
    this.#ready = true;
    this.#clearBootTimer();
  }

  /**
   * Its bootstrap (and preloads) must have loaded within `ms` (Infinity: no deadline), else it is
   * stopped and `bootTimedOut` says why. The timer never keeps the process alive (the worker does,
   * while work waits for it).
   */
  watchBoot(ms: number): void {
    if (!Number.isFinite(ms) || this.#ready) return;
    this.#bootTimer = setTimeout(() => {
      this.#bootTimer = undefined;
      if (this.#ready || this.#dying || this.#dead) return;
      this.#bootTimedOut = true;
      this.terminate();
    }, ms);
    this.#bootTimer.unref();
  }

  /**
   * Each job it is sent must start within `ms` of becoming its head (the previous job answered, or it
   * was sent to an idle worker); Infinity: no bound. A worker that does not is stuck in code a task
   * left behind: it is stopped and the jobs it had not started go back to the pool.
   */
  watchStarts(ms: number): void {
    this.#startWatch = new StartWatch(ms, this);
  }

  /** The job it runs or runs next. */
  head(): PoolJob | undefined {
    return this.#inflight.peek();
  }

  /** When its head became its head (performance.now()). */
  headSince(): number {
    return this.#headSince;
  }

  /** `process.exit(code)` was called in it by job `id` (-1: outside any task); it dies next. */
  noteExit(id: number, code: number): void {
    this.#exitNote = { id, code };
  }

  /** Records that `j` went out to it; the head's timeout starts counting when it becomes the head. */
  commit(j: PoolJob, becomesHead: boolean): void {
    j.sentTo(this, ++this.#sent);
    this.#inflight.push(j);
    if (j.frames !== undefined) resendKept(this, j);
    if (becomesHead) {
      this.busy();
      this.#headChanged(j, performance.now());
    }
  }

  /** The worker answered job `id` (its head): removes it and moves the head on. */
  answered(id: number, now: number): PoolJob | undefined {
    const inflight = this.#inflight;
    const j = inflight.peek();
    if (j === undefined || j.id !== id) return undefined; // not ours any more (settled by a kill)
    inflight.shift();
    this.#lastId = id;
    const next = inflight.peek();
    if (next !== undefined) this.#headChanged(next, now);
    else this.#deadline.clearDeadline();
    return j;
  }

  /** It has nothing in flight. */
  idle(now: number): void {
    this.#idleSince = now;
    this.release();
  }

  /**
   * Aborts `j`, a job sent to it: settles it with `failure`, then stops the work — a cancel if it has
   * not started (stopping the worker should it stay stuck before it), the worker if it runs.
   */
  abort(j: PoolJob, failure: TaskFailure): void {
    const head = this.#inflight.peek() === j;
    const now = performance.now();
    j.fail(failure, head ? now - this.#headSince : 0);
    if (this.#dying || this.#dead) return;
    const started = this.startedCount();
    if (started > j.seq) return; // it already finished; its answer will be ignored
    if (head && started === j.seq) {
      this.stopFor(j); // it is running: stop the work, not just the waiting
      return;
    }
    // Not started yet: the worker skips it. Should it be stuck before it, the grace deadline stops it.
    this.post([TO_WORKER_CANCEL, j.id]);
    if (head) this.#deadline.arm(now + ABORT_GRACE_MS, now);
  }

  /**
   * The running task broke the worker (an uncaught error): job `id` fails and the worker goes. False if
   * `id` is not the job it runs (a late error of one that settled).
   */
  failRunning(id: number, failure: TaskFailure, now: number): boolean {
    const j = this.#inflight.peek();
    if (j === undefined || j.id !== id) return false;
    j.fail(failure, now - this.#headSince);
    this.stopFor(j);
    return true;
  }

  /** Stops it to end `target`'s work; what had not started yet is retried once it is gone. */
  stopFor(target: PoolJob): void {
    if (this.#dying || this.#dead) return;
    this.#killTarget = target;
    this.#endTree();
    this.terminate();
    this.events.onStopping(this);
  }

  /**
   * It takes nothing more (its jobs in flight still run). With `replaceWhenDone` a successor is due
   * once it is gone. False if it was already retiring, dying or dead.
   */
  retire(replaceWhenDone: boolean): boolean {
    if (this.#retiring || this.#dying || this.#dead) return false;
    this.#retiring = true;
    this.#replaceWhenDone = replaceWhenDone;
    return true;
  }

  /** A retiring worker answered its last job: it goes. True if a successor is due. */
  windDown(): boolean {
    this.terminate();
    const replace = this.#replaceWhenDone;
    this.#replaceWhenDone = false;
    return replace;
  }

  /** It died: its jobs in flight, removed, and how long the head had run (ms). */
  takeJobs(now: number): { jobs: PoolJob[]; headMs: number } {
    this.#deadline.stop();
    return { jobs: this.#inflight.drain(), headMs: now - this.#headSince };
  }

  /**
   * Stops it and resolves once it is gone. Someone waits for that, so it keeps the process alive until
   * its exit event has run, whatever arrives meanwhile: a message it posted just before the stop
   * (READY, a late error) would otherwise find it idle and unref it, and a worker that takes a
   * while to wind down (still loading its modules, or blocked in a synchronous call) would then let the
   * event loop empty first — the exit event, and whatever awaits it, would never come.
   */
  stop(): Promise<void> {
    if (!this.#dead) {
      this.#endTree();
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
    this.#deadline.stop();
    this.#clearBootTimer();
    this.#startWatch?.stop();
    this.#dying = true;
    this.kill();
  }

  /** How it ended, given the exit code its exit event had (a thread's: out of memory by its error). */
  death(code: number): WorkerDeath {
    const oom = (this.#error as { code?: unknown } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
    return { exitCode: code, oom, code: oom ? 'ERR_WORKER_OUT_OF_MEMORY' : undefined };
  }

  /**
   * Called once it has exited: a second look for the processes its tasks started when it was stopped
   * for a task (or closed) — one may have started meanwhile — or died by itself. Not after a routine
   * retirement (recycling, idle reaping): a scan of /proc costs ~10 ms on a busy machine, and what the
   * tasks left is ended when the host exits.
   */
  endTreeAtExit(): void {
    if (this.#treeStopped || !this.#dying) endProcessTree(this.tree);
  }

  /**
   * A task of it is stopped (timeout, abort, a task that broke it) or the pool closes: every process its
   * tasks started is ended — also what unblocks a task stuck in execSync on one of them.
   */
  #endTree(): void {
    if (this.#treeStopped) return;
    this.#treeStopped = true;
    endProcessTree(this.tree);
  }

  /** `j` is now the job it runs: its timeout starts counting. */
  #headChanged(j: PoolJob, now: number): void {
    this.#headSince = now;
    this.#startWatch?.headChanged();
    this.#deadline.headChanged(j, now);
  }

  #clearBootTimer(): void {
    if (this.#bootTimer !== undefined) {
      clearTimeout(this.#bootTimer);
      this.#bootTimer = undefined;
    }
  }
}
