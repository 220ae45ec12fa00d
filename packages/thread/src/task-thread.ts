/**
 * One worker thread and the one job it runs, seen from the parent: turns the worker's messages and its
 * death (exit code, out-of-memory error, termination) into exactly one outcome for the job, enforces the
 * timeout from the task's start, and reports what the task's leftovers do after the outcome (strays)
 * until the worker exits by itself or has lingered too long.
 */
import {
  MessageChannel,
  type MessagePort,
  type ResourceLimits,
  receiveMessageOnPort,
  type TransferListItem,
  type Worker,
} from 'node:worker_threads';
import {
  bootstrapTimeoutFailure,
  type CallerFrame,
  channelCorruptedFailure,
  crashedAfterResultFailure,
  crashedFailure,
  describeExit,
  describeShape,
  endProcessTree,
  failureShapeProblem,
  makeFailure,
  markedWorkerEnv,
  newTreeMarker,
  type Result,
  resultShapeProblem,
  type SubmittedJob,
  startWorkerThread,
  type TaskFailure,
  type TaskFrame,
  taskFrameProblem,
  timeoutFailure,
  type WorkerEnv,
} from '@isolane/core/driver-kit';
import type { ChannelHello, WorkerInit } from './protocol.js';
import { bootWatched, deathFailure, jobMessage } from './thread-job.js';

const WORKER = 'worker thread';

/** Why a worker exits with code 0 before its task settled. */
const EXIT_0_REASON =
  'the task called process.exit(0), or its promise was left with nothing that could ever settle it';

// The worker entry bundled with core's runtime: one file for a cold worker to load (see worker-entry.ts).
const ENTRY = new URL('./worker-entry.bundle.js', import.meta.url);

/** How a thread is started. */
export interface TaskThreadOptions {
  readonly bootstrap: string | undefined;
  /** How long (ms) the bootstrap may take once the worker has its job (Infinity: no deadline). */
  readonly bootstrapTimeout: number;
  readonly tsx: string | undefined;
  readonly resourceLimits: ResourceLimits | undefined;
  /** The `memoryLimitMb` in effect (named in an out-of-memory failure). */
  readonly memoryLimitMb: number | undefined;
  /** The `maxResultMb` the worker checks its result against. */
  readonly maxResultMb: number | undefined;
  readonly lingerMs: number;
  /** The `env` option: what the worker's `process.env` holds (read from the parent at each start). */
  readonly env: WorkerEnv;
  /** The job's outcome is known: its concurrency slot is free (the worker may still be lingering). */
  readonly onRelease: (thread: TaskThread) => void;
  /** The worker is gone. */
  readonly onExit: (thread: TaskThread) => void;
}

/**
 * A worker thread that runs at most one job. Created either with its job (sent in `workerData`, no extra
 * round trip) or empty and unref'd (prespawned), to receive its job later with {@link TaskThread.run}.
 *
 * @example
 * ```ts
 * const thread = new TaskThread(options, { job, sink, id: 1 });
 * thread.abort(makeFailure('aborted', 'stop')); // settles the job and terminates the worker
 * await thread.exited;
 * ```
 */
export class TaskThread {
  readonly #options: TaskThreadOptions;
  readonly #worker: Worker;
  /** The `ISOLANE_TREE` marker of the processes this worker's task starts. */
  readonly #tree = newTreeMarker();
  /** Its task was stopped (timeout, abort, close): the processes carrying `#tree` were told to end. */
  #treeStopped = false;
  /** The private channel (the worker's end went in its first message); `parentPort` is not listened to. */
  readonly #port: MessagePort;
  /** Resolves once the worker has exited. */
  readonly exited: Promise<void>;
  #assigned: SubmittedJob | undefined;
  #launchedAt = 0;
  #startedAt = 0;
  #settled = false;
  #terminating = false;
  /** The worker already reported how it failed after the outcome (no second report from its exit). */
  #reported = false;
  /** The worker's outcome came on the channel (a second one is a violation, not a late answer). */
  #outcomeSeen = false;
  #timeoutTimer: NodeJS.Timeout | undefined;
  #lingerTimer: NodeJS.Timeout | undefined;
  #bootTimer: NodeJS.Timeout | undefined;
  /** The worker was asked to say when its bootstrap has loaded (`{ t: 'start' }`) and has not yet. */
  #booting = false;

  /** Throws (e.g. a `DataCloneError` for the job's arguments) when the worker cannot be started. */
  constructor(options: TaskThreadOptions, submitted?: SubmittedJob, warm?: readonly string[]) {
    this.#options = options;
    const init: WorkerInit = {
      ...(options.bootstrap !== undefined ? { bootstrap: options.bootstrap } : {}),
      ...(options.tsx !== undefined ? { tsx: options.tsx } : {}),
      ...(submitted ? { job: jobMessage(submitted, bootWatched(options)) } : {}),
      ...(warm && warm.length > 0 ? { warm } : {}),
      ...(options.maxResultMb !== undefined ? { maxResultMb: options.maxResultMb } : {}),
    };
    this.#worker = startWorkerThread(ENTRY, {
      workerData: init,
      transferList: submitted?.job.transfer as TransferListItem[] | undefined,
      resourceLimits: options.resourceLimits,
      // Every process its task starts carries this marker: stopping the worker ends them too.
      env: markedWorkerEnv(options.env, this.#tree),
    });
    const { port1, port2 } = new MessageChannel();
    // Queued before the worker runs a line: its entry takes it before the bootstrap or the task loads.
    this.#worker.postMessage({ channel: port2 } satisfies ChannelHello, [port2]);
    this.#port = port1;
    this.exited = new Promise((resolve) => {
      this.#worker.once('exit', (code: number) => {
        this.#onExit(code);
        resolve();
      });
    });
    port1.on('message', (m: unknown) => this.#onMessage(m));
    this.#worker.on('error', (err: unknown) => this.#onError(err));
    if (submitted) this.#assign(submitted);
    else {
      // A prespawned worker waiting for a job never keeps the process alive.
      this.#worker.unref();
      port1.unref();
    }
  }

  /** True while no job was given to this (prespawned) thread. */
  get idle(): boolean {
    return this.#assigned === undefined;
  }

  /**
   * Gives a prespawned thread its job (sent as its first message). Throws, leaving the thread idle, if
   * the arguments cannot be posted.
   */
  run(submitted: SubmittedJob): void {
    if (this.#assigned) throw new Error('TaskThread.run(): this worker already ran a task');
    this.#port.postMessage(
      jobMessage(submitted, bootWatched(this.#options)),
      submitted.job.transfer as TransferListItem[] | undefined,
    );
    this.#worker.ref();
    this.#port.ref();
    this.#assign(submitted);
  }

  /** Carries a frame of the caller's messages to the task (dropped once the job settled). */
  toTask(frame: CallerFrame): void {
    if (this.#assigned === undefined || this.#settled || this.#terminating) return;
    this.#port.postMessage(frame);
  }

  /** Settles the job with `failure` (unless it already settled) and stops the worker. */
  abort(failure: TaskFailure): void {
    this.#settle({ ok: false, error: failure, ms: this.#elapsed() });
    // The task is stopped (timeout, abort, close): so is every process it started. Also what unblocks a
    // task stuck in a native call on one of them (execSync), which terminate() alone cannot interrupt.
    if (!this.#treeStopped) {
      this.#treeStopped = true;
      endProcessTree(this.#tree);
    }
    this.terminate();
  }

  /** Stops the worker whatever it is doing (even a synchronous infinite loop). */
  terminate(): void {
    if (this.#terminating) return;
    this.#terminating = true;
    this.#clearTimers();
    this.#worker.terminate().catch(() => {
      // The worker is already gone; its 'exit' event settles everything.
    });
  }

  #assign(submitted: SubmittedJob): void {
    this.#assigned = submitted;
    this.#launchedAt = performance.now();
    // The bootstrap deadline counts from the moment the worker has its job (a prespawned worker may
    // have loaded its bootstrap long before: it then says 'start' at once).
    if (bootWatched(this.#options)) {
      this.#booting = true;
      const ms = this.#options.bootstrapTimeout;
      this.#bootTimer = setTimeout(() => {
        this.#bootTimer = undefined;
        this.abort(bootstrapTimeoutFailure(this.#options.bootstrap, ms));
      }, ms);
    }
  }

  #elapsed(): number {
    const from = this.#startedAt || this.#launchedAt;
    return from ? performance.now() - from : 0;
  }

  /**
   * A message on the private channel. Only the entry can post there, but it is checked before any field
   * is read: a message of the wrong shape, or one out of turn (a second outcome, a stray before the
   * outcome, anything before a job was given) is a corrupted channel ({@link TaskThread.#corrupted}).
   */
  #onMessage(message: unknown): void {
    if (this.#terminating && this.#settled) return; // being torn down: nothing it says matters now
    const m = message as { t?: unknown; result?: unknown; failure?: unknown } | null;
    if (typeof m !== 'object' || m === null || Array.isArray(m)) {
      this.#corrupted(`a message of the wrong shape (${describeShape(message)})`);
      return;
    }
    if (this.#assigned === undefined) {
      this.#corrupted(`a message before the worker had a job (${describeShape(m.t)})`);
      return;
    }
    switch (m.t) {
      case 'start':
        if (this.#startedAt !== 0) this.#corrupted('a second start');
        else if (!this.#settled) {
          this.#bootDone();
          this.#startedAt = performance.now();
          this.#armTimeout();
        }
        return;
      case 'result': {
        // Settled by the driver first (its worker's error event, a timeout): a late answer, not a forgery.
        if (this.#settled && !this.#outcomeSeen) return;
        const problem = this.#outcomeSeen ? 'a second outcome' : resultShapeProblem(m.result);
        if (problem !== undefined) {
          this.#corrupted(problem);
          return;
        }
        this.#outcomeSeen = true;
        this.#bootDone();
        this.#settle(m.result as Result<unknown>);
        this.#linger();
        return;
      }
      case 'stray': {
        if (this.#settled && !this.#outcomeSeen) return; // the driver settled it first: nothing to add
        const problem = this.#outcomeSeen
          ? failureShapeProblem(m.failure)
          : 'a late error before the outcome';
        if (problem !== undefined) {
          this.#corrupted(problem);
          return;
        }
        this.#reported = true;
        this.#assigned.sink.stray(m.failure as TaskFailure);
        return;
      }
      case 'msg':
      case 'progress':
      case 'credit': {
        // The task's messages: carried to the group, which holds them to the window (after the outcome,
        // they are counted as dropped there).
        const problem = taskFrameProblem(m);
        if (problem !== undefined) this.#corrupted(problem);
        else this.#assigned.sink.fromTask?.(m as TaskFrame);
        return;
      }
      default:
        this.#corrupted(`a message of unknown type ${describeShape(m.t)}`);
    }
  }

  /**
   * A protocol violation on the private channel: the job fails with driver-kit's channel failure (a
   * stray, if its outcome was already given) and the worker is terminated. The host and every other
   * worker are untouched.
   */
  #corrupted(detail: string): void {
    const failure = channelCorruptedFailure({ worker: WORKER, detail });
    if (this.#assigned === undefined) {
      // A prespawned worker whose channel is corrupt never takes a job: its exit removes it.
      this.terminate();
      return;
    }
    if (this.#settled) {
      if (!this.#reported && !this.#terminating) this.#assigned.sink.stray(failure);
      this.#reported = true;
      this.terminate();
      return;
    }
    this.abort(failure);
  }

  #armTimeout(): void {
    const timeout = this.#assigned?.job.timeout;
    if (!timeout || this.#settled) return;
    this.#timeoutTimer = setTimeout(() => {
      this.#timeoutTimer = undefined;
      this.abort(timeoutFailure(timeout));
    }, timeout);
  }

  /** After the outcome: let the worker drain its leftovers by itself, for at most `lingerMs`. */
  #linger(): void {
    const { lingerMs } = this.#options;
    if (lingerMs === 0) this.terminate();
    else if (Number.isFinite(lingerMs) && !this.#terminating) {
      this.#lingerTimer = setTimeout(() => {
        this.#lingerTimer = undefined;
        this.terminate();
      }, lingerMs);
    }
  }

  #onError(err: unknown): void {
    if (!this.#assigned) return; // an idle worker died: its exit removes it from the pool
    const failure = deathFailure(err, this.#settled, this.#options.memoryLimitMb);
    if (this.#settled) {
      if (!this.#terminating) this.#assigned.sink.stray(failure);
    } else {
      this.#settle({ ok: false, error: failure, ms: this.#elapsed() });
    }
    this.#reported = true;
  }

  #onExit(code: number): void {
    this.#clearTimers();
    // Stopped or crashed: what its task started goes too (a second look: started while it stopped).
    // Not after a task that ended well and was only cut off after `lingerMs` (a scan of /proc costs
    // ~10 ms on a busy machine; what it left is ended when the host exits).
    if (this.#treeStopped || !this.#settled || (code !== 0 && !this.#terminating)) {
      endProcessTree(this.#tree);
    }
    // A private port is not drained before 'exit' as `parentPort` is: read what the worker posted last.
    for (let m = receiveMessageOnPort(this.#port); m !== undefined; m = receiveMessageOnPort(this.#port)) {
      this.#onMessage(m.message);
    }
    this.#port.close();
    const submitted = this.#assigned;
    if (submitted && !this.#settled && this.#booting) {
      // Gone before its bootstrap had loaded (the bootstrap called process.exit): a bootstrap failure.
      const { bootstrap } = this.#options;
      const error = makeFailure(
        'bootstrap',
        `the worker thread ${describeExit({ exitCode: code, signal: null })} before its task started (while loading the bootstrap ${bootstrap})`,
        { name: 'BootstrapError', exitCode: code },
      );
      this.#settle({ ok: false, error, ms: 0 });
    } else if (submitted && !this.#settled) {
      const reason = code === 0 ? EXIT_0_REASON : undefined;
      const error = crashedFailure({ worker: WORKER, exitCode: code, reason });
      this.#settle({ ok: false, error, ms: this.#elapsed() });
    } else if (submitted && !this.#terminating && !this.#reported && code !== 0) {
      submitted.sink.stray(crashedAfterResultFailure({ worker: WORKER, exitCode: code }));
    }
    this.#options.onExit(this);
  }

  #settle(result: Result<unknown>): void {
    if (this.#settled || !this.#assigned) return;
    this.#settled = true;
    if (this.#timeoutTimer) {
      clearTimeout(this.#timeoutTimer);
      this.#timeoutTimer = undefined;
    }
    this.#assigned.sink.settle(result);
    this.#options.onRelease(this);
  }

  /** The bootstrap has loaded (or failed, and the result says so): its deadline is off. */
  #bootDone(): void {
    this.#booting = false;
    if (this.#bootTimer) {
      clearTimeout(this.#bootTimer);
      this.#bootTimer = undefined;
    }
  }

  #clearTimers(): void {
    if (this.#bootTimer) clearTimeout(this.#bootTimer);
    this.#bootTimer = undefined;
    if (this.#timeoutTimer) clearTimeout(this.#timeoutTimer);
    if (this.#lingerTimer) clearTimeout(this.#lingerTimer);
    this.#timeoutTimer = undefined;
    this.#lingerTimer = undefined;
  }
}
