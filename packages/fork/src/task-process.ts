/**
 * One child process and the one job it runs, seen from the parent: spawns the child (for its job, or
 * prespawned to receive one later), turns the child's messages and its death into exactly one outcome
 * for the job, enforces the timeout from the task's start (SIGTERM, then SIGKILL), lets a child that
 * delivered its result linger briefly, and reports what the task's leftovers do after the outcome
 * (strays) instead of losing it or blaming another task.
 */
import {
  bootstrapTimeoutFailure,
  type CallerFrame,
  type ChildGrants,
  channelCorruptedFailure,
  crashedAfterResultFailure,
  type Job,
  parentDeathGuard,
  type Result,
  rssLimitFailure,
  type SubmittedJob,
  type TaskFailure,
  timeoutFailure,
  unsendableArgsFailure,
  type WorkerEnv,
  watchRss,
  workerEnv,
} from '@isolane/core/driver-kit';
import { deathFailure } from './child-death.js';
import { type ChildExit, ForkChild } from './fork-child.js';
import type { ForkOutput, ForkStdio } from './fork-options.js';
import type { ChildConfig, ChildMessage } from './protocol.js';

/** How often a child's watchdog thread (where there is no `setpriv`) checks that its parent is still there. */
const WATCHDOG_MS = 250;

/** How a driver's children are started and stopped (the same for all of them). */
export interface TaskProcessOptions {
  readonly nodeFlags: readonly string[];
  readonly bootstrap: string | undefined;
  /** How long (ms) the bootstrap may take once the child has its job (Infinity: no deadline). */
  readonly bootstrapTimeout: number;
  readonly env: WorkerEnv;
  readonly stdio: ForkStdio;
  readonly onOutput: ((output: ForkOutput) => void) | undefined;
  /** Make the child die with its parent even while its task is stuck in synchronous code. */
  readonly watchdog: boolean;
  /** With `permissions`: what each child may read. */
  readonly grants: ChildGrants | undefined;
  readonly memoryLimitMb: number | undefined;
  /** The child's RSS limit (MiB), sampled by the parent while it runs a task. */
  readonly maxRssMb?: number | undefined;
  /** The `maxResultMb` the child checks its result against. */
  readonly maxResultMb?: number | undefined;
  readonly lingerMs: number;
  readonly killGraceMs: number;
  /** The job's outcome is known and its child is done with it: its concurrency place is free. */
  readonly onRelease: (task: TaskProcess) => void;
  /** The child is gone. */
  readonly onExit: (task: TaskProcess) => void;
}

/**
 * A child process that runs at most one job. Created either with its job (spawned for it) or without
 * (prespawned: it loads the bootstrap and `warm` modules, never keeps this process alive, and receives
 * its job later with {@link TaskProcess.run}).
 *
 * @example
 * ```ts
 * const runner = new TaskProcess(options, { job, sink, id: 1 });
 * runner.abort(closedFailure('fork')); // settles the job and kills the child
 * await runner.exited;
 * ```
 */
export class TaskProcess {
  readonly #options: TaskProcessOptions;
  readonly #child: ForkChild;
  /** Resolves once the child has exited. */
  readonly exited: Promise<void>;
  #assigned: SubmittedJob | undefined;
  /** The job got its outcome. */
  #settled = false;
  /** The job holds one of the `concurrency` places. */
  #counted = false;
  #started = false;
  #startedAt = 0;
  /** The child delivered a result (its death afterwards is no longer the job's failure). */
  #answered = false;
  /** The child exits because of that result (an uncaught error): its death is expected. */
  #fatal = false;
  /** The child reported a late error already; its death is not reported twice. */
  #strayed = false;
  /** Why the child is being killed (timeout, abort, close): the job's failure if it has none yet. */
  #stopReason: TaskFailure | undefined;
  /** The child's answer pipe ended inside a frame: corruption, unless its exit says it was killed. */
  #truncated: string | undefined;
  #timeoutTimer: NodeJS.Timeout | undefined;
  #bootTimer: NodeJS.Timeout | undefined;

  /** Throws when the child process cannot be spawned at all. */
  constructor(options: TaskProcessOptions, submitted?: SubmittedJob, warm?: readonly string[]) {
    this.#options = options;
    this.#child = spawnChild(options, submitted?.job.task, warm);
    this.#child.onMessage = (message) => this.#onMessage(message);
    this.#child.onCorrupt = (detail, atEnd) => this.#onCorrupt(detail, atEnd);
    this.exited = new Promise((resolve) => {
      this.#child.onExit = (exit) => {
        this.#onExit(exit);
        resolve();
      };
    });
    if (submitted) this.run(submitted);
    // A prespawned child waiting for a job never keeps this process alive.
    else this.#child.release();
  }

  /** True while no job was given to this (prespawned) child. */
  get idle(): boolean {
    return this.#assigned === undefined;
  }

  /** What the child may read under the permission model (undefined: no model). */
  get reads(): readonly string[] | '*' | undefined {
    return this.#child.reads;
  }

  /**
   * Gives the child its job. If the job's arguments cannot be sent, the job fails (`'unserializable'`)
   * and the child is stopped.
   */
  run(submitted: SubmittedJob): void {
    if (this.#assigned) throw new Error('TaskProcess.run(): this child already ran a task');
    const { job, id } = submitted;
    this.#assigned = submitted;
    this.#counted = true;
    this.#child.jobId = id;
    this.#child.hold();
    try {
      this.#child.send({ t: 'job', id, task: job.task, args: job.args });
    } catch (err) {
      this.abort(unsendableArgsFailure(err, 'a child process'));
      return;
    }
    this.#armBootDeadline();
    this.#watchRss();
  }

  /** With `maxRssMb`: the child is killed, and its task fails as `oom`, once its RSS is over it. */
  #watchRss(): void {
    const { maxRssMb } = this.#options;
    const pid = this.#child.pid;
    if (maxRssMb === undefined || pid === undefined) return;
    const watch = watchRss(pid, maxRssMb, (bytes) =>
      this.abort(rssLimitFailure(bytes, maxRssMb, 'child process')),
    );
    void this.exited.then(() => watch.stop());
  }

  /**
   * The bootstrap must have loaded (the child says 'start') within `bootstrapTimeout` of the job's
   * arrival, else the child is killed and the job fails with kind `bootstrap` (its task timeout only
   * counts from the start, which never comes). A prespawned child that loaded it long ago says 'start'
   * at once.
   */
  #armBootDeadline(): void {
    const { bootstrap, bootstrapTimeout } = this.#options;
    if (bootstrap === undefined || !Number.isFinite(bootstrapTimeout)) return;
    this.#bootTimer = setTimeout(() => {
      this.#bootTimer = undefined;
      if (!this.#started && !this.#answered) this.abort(bootstrapTimeoutFailure(bootstrap, bootstrapTimeout));
    }, bootstrapTimeout);
  }

  /** Carries a frame of the caller's messages to the task (dropped once the job has its outcome). */
  toTask(frame: CallerFrame): void {
    if (this.#assigned === undefined || this.#settled || this.#stopReason !== undefined) return;
    this.#child.send(frame);
  }

  /** Settles the job with `failure` now (unless it has an outcome) and kills the child. */
  abort(failure: TaskFailure): void {
    if (this.#answered) return;
    this.#settle({ ok: false, error: failure, ms: this.#elapsed() });
    this.stop(failure);
  }

  /** Kills the child; the job settles with `reason` once the child is gone (if it had no outcome before). */
  stop(reason: TaskFailure): void {
    if (this.#stopReason || this.#answered) return;
    this.#stopReason = reason;
    this.#clearTimeout();
    this.#child.stop(this.#options.killGraceMs);
  }

  /** Kills the child whatever it does (running, idle or lingering) and keeps this process alive until it is gone. */
  close(reason: TaskFailure): void {
    if (this.#assigned) this.stop(reason);
    this.#child.hold();
    this.#child.stop(this.#options.killGraceMs);
  }

  #elapsed(): number {
    return this.#started ? performance.now() - this.#startedAt : 0;
  }

  #onMessage(message: ChildMessage): void {
    const submitted = this.#assigned;
    if (!submitted) return;
    switch (message.t) {
      case 'start':
        this.#clearBootTimer();
        this.#started = true;
        this.#startedAt = performance.now();
        this.#armTimeout(submitted.job.timeout);
        return;
      case 'result':
        if (this.#answered || this.#stopReason) return;
        this.#answered = true;
        this.#fatal = message.fatal === true;
        this.#clearTimeout();
        this.#clearBootTimer();
        this.#settle(message.result);
        this.#release();
        if (!this.#fatal) this.#linger();
        return;
      case 'stray':
        this.#strayed = true;
        if (!this.#settled) this.#settle({ ok: false, error: message.failure, ms: 0 });
        else submitted.sink.stray(message.failure);
        return;
      default:
        // The task's messages (shape-checked by the child's channel): the group holds them to the window.
        submitted.sink.fromTask?.(message);
    }
  }

  /**
   * The task wrote where only the child's entry may (see core's ChildChannel): its job fails with
   * driver-kit's channel failure and the child is killed; after its outcome, the failure is a stray.
   */
  #onCorrupt(detail: string, atEnd: boolean): void {
    if (this.#stopReason !== undefined || this.#child.stopping) return; // killed by us, maybe mid-write
    if (atEnd) {
      this.#truncated = detail; // the exit decides: a signal or an OOM death explains it better
      return;
    }
    const failure = channelCorruptedFailure({ worker: 'child process', detail });
    const submitted = this.#assigned;
    if (submitted !== undefined && !this.#settled) {
      this.abort(failure);
      return;
    }
    if (submitted !== undefined) {
      this.#strayed = true;
      submitted.sink.stray(failure);
    }
    // A prespawned child broken before its job (its bootstrap wrote there), or one that answered: it goes.
    this.#child.stop(this.#options.killGraceMs);
  }

  #armTimeout(timeout: number | undefined): void {
    if (!timeout || this.#settled) return;
    this.#timeoutTimer = setTimeout(() => {
      this.#timeoutTimer = undefined;
      this.stop(timeoutFailure(timeout));
    }, timeout);
  }

  /** After the result: the child may finish what its task left behind, but never for long, and never on our clock. */
  #linger(): void {
    const child = this.#child;
    if (child.stopping) return; // the driver is closing: it waits for this child
    child.release();
    setTimeout(() => child.stop(this.#options.killGraceMs), this.#options.lingerMs).unref();
  }

  #onExit(exit: ChildExit): void {
    this.#clearTimeout();
    this.#clearBootTimer();
    const submitted = this.#assigned;
    if (submitted && !this.#answered) {
      const truncated = this.#truncated !== undefined && exit.signal === null && !exit.oom;
      const error =
        this.#stopReason ??
        (truncated
          ? channelCorruptedFailure({ worker: 'child process', detail: this.#truncated ?? '' })
          : deathFailure(exit, { started: this.#started, memoryLimitMb: this.#options.memoryLimitMb }));
      this.#settle({ ok: false, error, ms: this.#elapsed() });
      this.#release();
    } else if (
      submitted &&
      !this.#fatal &&
      !this.#strayed &&
      !this.#child.stopping &&
      (exit.signal !== null || exit.exitCode !== 0)
    ) {
      // Its leftovers killed the child after it answered: never lost, never blamed on another task.
      const { exitCode, signal, oom } = exit;
      submitted.sink.stray(crashedAfterResultFailure({ worker: 'child process', exitCode, signal, oom }));
    }
    this.#options.onExit(this);
  }

  #settle(result: Result<unknown>): void {
    if (this.#settled || !this.#assigned) return;
    this.#settled = true;
    try {
      this.#assigned.sink.settle(result);
    } catch (err) {
      process.stderr.write(`@isolane/fork: a job sink threw: ${String(err)}\n`);
    }
  }

  #release(): void {
    if (!this.#counted) return;
    this.#counted = false;
    this.#options.onRelease(this);
  }

  #clearTimeout(): void {
    if (this.#timeoutTimer) clearTimeout(this.#timeoutTimer);
    this.#timeoutTimer = undefined;
  }

  #clearBootTimer(): void {
    if (this.#bootTimer) clearTimeout(this.#bootTimer);
    this.#bootTimer = undefined;
  }
}

/** Spawns a child for `task` (or, prespawned, for the `warm` modules): flags, grants, parent-death guard. */
function spawnChild(options: TaskProcessOptions, task: Job['task'] | undefined, warm?: readonly string[]) {
  const { bootstrap, onOutput, grants } = options;
  const guard = options.watchdog ? parentDeathGuard() : undefined;
  const modules = [...(task?.kind === 'module' ? [task.module] : []), ...(warm ?? [])];
  const launch = grants?.launch(modules, guard?.kind === 'thread');
  const config: ChildConfig = {
    ...(guard?.kind === 'thread' ? { watchdogMs: WATCHDOG_MS } : {}),
    ...(bootstrap !== undefined ? { bootstrap } : {}),
    ...(warm && warm.length > 0 ? { warm } : {}),
    ...(options.maxResultMb !== undefined ? { maxResultMb: options.maxResultMb } : {}),
  };
  return new ForkChild({
    nodeFlags: launch ? [...options.nodeFlags, ...launch.flags] : options.nodeFlags,
    env: workerEnv(options.env),
    reads: launch?.reads,
    setpriv: guard?.kind === 'pdeathsig' ? guard.setpriv : undefined,
    config,
    stdio: options.stdio,
    onOutput: onOutput
      ? (stream, text, from) => {
          try {
            onOutput({ stream, text, jobId: from.jobId, pid: from.pid });
          } catch (err) {
            process.stderr.write(`@isolane/fork: onOutput threw: ${String(err)}\n`);
          }
        }
      : undefined,
  });
}
