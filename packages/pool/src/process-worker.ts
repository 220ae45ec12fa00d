/**
 * The parent's side of one pool worker *process* (`runtime: 'process'`): a Node child started with
 * `child_process.spawn` and core's driver-kit channel (keyed, length-prefixed `v8.serialize` frames on
 * two extra pipes — not Node's IPC channel, whose parser throws in the parent's event loop when a task
 * writes garbage to its fd 3) that runs the same worker entry and speaks the same protocol as a worker
 * thread. What differs is the transport: the child sends its messages in packets (several answers, and
 * the marker of the job it starts, in one frame), its start counter
 * arrives as those markers instead of living in shared memory, and its death is told by an exit code or
 * a signal (a native crash, `process.abort()`) plus the end of its stderr (V8's out-of-memory report).
 * Its start counter is a small file both sides hold open (unlinked at once): the child writes it
 * before each job, the parent reads it only when it must know (a death, a timeout, an abort). Anything a
 * task writes to the channel's pipes (garbage, a forged frame without the key the child drew before any
 * task ran) fails the job it runs with driver-kit's channel failure and the worker is killed.
 *
 * Spawning is the `fork` driver's: the parent-death guard of core's driver-kit (`setpriv --pdeathsig
 * KILL`, else a watchdog thread in the child), killed on the parent's exit, the parent's loader flags.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  afterChildDrained,
  ChildChannel,
  type ChildGrants,
  ChildOutput,
  channelCorruptedFailure,
  channelStdio,
  childStdoutSpec,
  forgetOnParentExit,
  inheritedFlags,
  killOnParentExit,
  markedWorkerEnv,
  parentDeathGuard,
  pdeathsigLaunch,
  rssLimitFailure,
  watchRss,
} from '@isolane/core/driver-kit';
import type { FromWorker, ToWorker } from './messages.js';
import type { SpawnOptions } from './pool-worker.js';
import type { PoolOutput, PoolStdio } from './process-options.js';
import type { ProcessBoot } from './protocol.js';
import { type WorkerDeath, type WorkerEvents, WorkerState } from './worker-state.js';

// The same bundled entry as the threads': it picks its transport by where it runs.
const ENTRY = fileURLToPath(new URL('./worker-entry.bundle.js', import.meta.url));
/** How long a dead child's IPC and stderr may still drain before its death is reconciled without them. */
const DRAIN_MS = 200;
/** How often the fallback watchdog thread polls the parent pid. */
const WATCHDOG_MS = 250;
const NO_PACKET: unknown[][] = [];
/** Where the start counter file goes in the child's stdio (after stdin, stdout, stderr and the channel's fds 3, 4). */
const STARTED_FD = 5;
let counterFiles = 0;

/** How to start a worker process: the thread's settings plus the process options. */
export interface ProcessSpawnOptions extends SpawnOptions {
  /** Past this RSS (MiB) while a task runs, the worker is killed and the task fails as `oom`. */
  readonly maxRssMb?: number | undefined;
  readonly cwd: string | undefined;
  readonly execArgv: readonly string[];
  readonly stdio: PoolStdio;
  readonly onOutput: ((output: PoolOutput) => void) | undefined;
  readonly watchdog: boolean;
  /** With `permissions`: the grants of the pool's worker processes. */
  readonly grants: ChildGrants | undefined;
  /** With `permissions`: the task modules this worker may read (every module the pool has seen). */
  readonly granted: readonly string[];
}

/** How the child ended. */
export interface ProcessExit {
  readonly exitCode: number | null;
  readonly signal: string | null;
}

/**
 * One warm worker process, seen from the pool.
 *
 * @example
 * ```ts
 * const w = new ProcessWorker({ ...spawnOptions, cwd: undefined, execArgv: [], stdio: 'inherit', onOutput: undefined, watchdog: true, grants: undefined, granted: [] }, events);
 * ```
 */
export class ProcessWorker extends WorkerState {
  readonly noun = 'worker process';
  readonly child: ChildProcess;
  /** Resolves once the child has exited and its last messages are in. */
  readonly exited: Promise<void>;
  /** How it ended (set before the driver hears of its death). */
  exit: ProcessExit | undefined = undefined;
  /** With `permissions`: what this worker may read (a task whose module is not among them goes elsewhere). */
  readonly reads: readonly string[] | '*' | undefined;
  readonly #output: ChildOutput;
  #packet: unknown[][] = NO_PACKET;
  #at = 0;
  /** Its channel (undefined if it could not be spawned). */
  readonly #channel: ChildChannel | undefined;
  /** A task corrupted the channel: nothing more is read from it. */
  #corrupt = false;
  /** The start counter file (-1 once closed), and a buffer to read it into. */
  #counterFd: number;
  readonly #counter = new Int32Array(1);
  #lastStarted = 0;
  #refed = true;
  #resolveExited!: () => void;

  constructor(options: ProcessSpawnOptions, events: WorkerEvents) {
    super(events);
    this.exited = new Promise<void>((resolve) => {
      this.#resolveExited = resolve;
    });
    const guard = options.watchdog ? parentDeathGuard() : undefined;
    const boot: ProcessBoot = {
      bootstrap: options.bootstrap,
      maxHeapBytes: options.maxHeapMb * 1024 * 1024,
      maxResultMb: options.maxResultMb,
      preload: options.preload,
      watchdogMs: guard?.kind === 'thread' ? WATCHDOG_MS : 0,
      startedFd: STARTED_FD,
    };
    const counterPath = join(tmpdir(), `isolane-pool-${process.pid}-${++counterFiles}-${Date.now()}`);
    this.#counterFd = openSync(counterPath, 'wx+', 0o600);
    const permitted = options.grants?.launch(options.granted, guard?.kind === 'thread');
    this.reads = permitted?.reads;
    const flags = nodeFlags(options.memoryLimitMb, options.execArgv);
    if (permitted !== undefined) flags.push(...permitted.flags);
    const launch = guard?.kind === 'pdeathsig' ? pdeathsigLaunch(guard.setpriv, flags) : { execArgv: flags };
    const env = markedWorkerEnv(options.env ?? 'inherit', this.tree);
    let child: ChildProcess;
    try {
      const execPath = (launch as { execPath?: string }).execPath ?? process.execPath;
      // stderr is always piped: its end tells an out-of-memory death from a crash (both are aborts).
      // stdout is forwarded in whole lines (inherited on a terminal), ignored or captured: driver-kit's
      // ChildOutput.
      const stdio = channelStdio(['ignore', childStdoutSpec(options.stdio), 'pipe']);
      stdio[STARTED_FD] = this.#counterFd;
      child = spawn(execPath, [...launch.execArgv, ENTRY, JSON.stringify(boot)], {
        env,
        cwd: options.cwd,
        stdio: stdio as ('pipe' | 'ignore' | 'inherit' | number)[],
      });
    } catch (err) {
      closeSync(this.#counterFd);
      throw err;
    } finally {
      // Both sides hold it open: nothing is left on disk, whatever happens to either.
      unlinkSync(counterPath);
    }
    this.child = child;
    if (child.pid !== undefined) killOnParentExit(child);
    const onOutput = options.stdio === 'capture' ? options.onOutput : undefined;
    const pid = child.pid;
    this.#output = new ChildOutput(
      child,
      options.stdio,
      onOutput === undefined ? undefined : (stream, text) => onOutput({ stream, text, pid }),
    );
    this.#channel =
      child.pid === undefined
        ? undefined
        : new ChildChannel(child, {
            // Handled at the end of the I/O turn that read them: what a task printed before its answer
            // is in the child's stdout/stderr pipes by then (its runtime posts only once it is), and
            // read in the same turn — so a settled slot's output has been forwarded. Deaths wait too.
            onMessage: (packet) => setImmediate(() => this.#onPacket(packet)),
            onCorrupt: (detail, atEnd) => setImmediate(() => this.#onCorrupt(detail, atEnd)),
          });
    child.once('exit', (code, signal) => this.#onExit(code, signal));
    this.#watchRss(options.maxRssMb);
    child.on('error', (err) => {
      // A failed spawn has no exit event; later errors (a send on a closed channel) are followed by one.
      if (child.pid === undefined && this.exit === undefined) {
        // Node names the executable even when what is missing is the working directory: say both.
        const where = options.cwd !== undefined ? ` (cwd ${options.cwd})` : '';
        this.error = Object.assign(
          new Error(`the worker process could not be started${where}: ${err.message}`),
          {
            code: (err as NodeJS.ErrnoException).code,
          },
        );
        this.#finish({ exitCode: null, signal: null });
      }
    });
    if (!options.keepAlive) this.#setRef(false);
  }

  /** The child's pid (undefined if it could not be spawned). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  post(message: ToWorker): void {
    // Closed: the child is dying, and its exit reconciles whatever was meant for it.
    if (this.#channel?.open === true) this.#channel.send(message);
  }

  receive(): FromWorker | undefined {
    const packet = this.#packet;
    while (this.#at < packet.length && !this.#corrupt) {
      const m = packet[this.#at++];
      if (Array.isArray(m)) return m as unknown as FromWorker;
      this.#onCorrupt(`a message of the wrong shape (${m === null ? 'null' : typeof m})`, false);
    }
    return undefined;
  }

  startedCount(): number {
    if (this.#counterFd >= 0 && readSync(this.#counterFd, this.#counter, 0, 4, 0) === 4) {
      // Only ever counts up (a task holding the descriptor cannot take back what the pool knows).
      if (this.#counter[0]! > this.#lastStarted) this.#lastStarted = this.#counter[0]!;
    }
    return this.#lastStarted;
  }

  busy(): void {
    if (!this.#refed) this.#setRef(true);
  }

  protected release(): void {
    if (!this.held || this.dead) this.#setRef(false);
  }

  /**
   * SIGKILL: a timeout or an abort stops the work at once, as a thread's terminate() does (a task could
   * ignore a SIGTERM), and an idle child has nothing to finish.
   */
  protected kill(): void {
    if (this.exit === undefined) this.child.kill('SIGKILL');
  }

  /** How it ended: its exit code or signal, out of memory by V8's report on its stderr, that stderr's end. */
  override death(code: number): WorkerDeath {
    const exit = this.exit ?? { exitCode: code, signal: null };
    return {
      exitCode: exit.exitCode,
      signal: exit.signal,
      oom: this.#output.oom,
      stderrTail: this.#output.tail,
    };
  }

  #onPacket(packet: unknown): void {
    if (this.#corrupt) return;
    // Only the worker entry holds the key of the frames: anything else is its own bug, still no throw here.
    if (!Array.isArray(packet)) {
      this.#onCorrupt(`a packet of the wrong shape (${packet === null ? 'null' : typeof packet})`, false);
      return;
    }
    this.#packet = packet as unknown[][];
    this.#at = 0;
    const first = this.receive();
    if (first !== undefined) this.events.onMessage(this, first);
  }

  /**
   * The task wrote where only the worker entry may (bytes on the channel's pipes, a frame without the
   * key): the job it runs fails with driver-kit's channel failure and the worker is killed; jobs queued
   * behind it run elsewhere. A pipe that ended inside a frame is the death's to explain (a kill or a
   * crash mid-write looks the same).
   */
  #onCorrupt(detail: string, atEnd: boolean): void {
    if (this.#corrupt || atEnd || this.dead || this.dying) return;
    this.#corrupt = true;
    this.#packet = NO_PACKET;
    this.#at = 0;
    if (!this.ready) {
      // Its bootstrap (or a preload) wrote there: a start failure, as a bootstrap that throws (the pool
      // does not respawn forever; the waiting tasks fail as 'bootstrap' if no worker can start).
      this.error = new Error(
        `the channel to the worker process was corrupted before it was ready: ${detail}`,
      );
      this.kill();
      return;
    }
    const failure = channelCorruptedFailure({ worker: 'worker process', detail });
    const head = this.inflight.peek();
    if (head !== undefined && head.seq <= this.startedCount()) {
      this.failRunning(head.id, failure, performance.now());
      return;
    }
    // Nothing of it ran (a bootstrap or a finished task's leftovers wrote there): it goes, nobody fails.
    this.terminate();
    this.events.onStopping(this);
  }

  /** With `maxRssMb`: over it while a task runs, the task fails as `oom` and the worker goes. */
  #watchRss(maxRssMb: number | undefined): void {
    const pid = this.child.pid;
    if (maxRssMb === undefined || pid === undefined) return;
    const watch = watchRss(pid, maxRssMb, (bytes) => {
      const j = this.inflight.peek();
      // Idle (memory its last task left): the next task's run decides.
      if (j === undefined || this.dead) return false;
      return this.failRunning(j.id, rssLimitFailure(bytes, maxRssMb, this.noun), performance.now());
    });
    this.child.once('exit', () => watch.stop());
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    forgetOnParentExit(this.child);
    // Its last packets, the end of its stderr (V8's OOM report) and of its captured stdout may still be
    // on their way.
    const streams = [this.#output.stderr, this.#output.stdout, this.#channel?.answers ?? null];
    afterChildDrained(this.child, streams, DRAIN_MS, () =>
      setImmediate(() => this.#finish({ exitCode: code, signal })),
    );
  }

  #finish(exit: ProcessExit): void {
    if (this.exit !== undefined) return;
    this.exit = exit;
    this.dead = true;
    this.endTreeAtExit();
    this.#output.flush();
    try {
      this.#setRef(false);
      this.events.onExit(this, exit.exitCode ?? -1);
    } finally {
      this.#startedCountFinal();
      this.#resolveExited();
    }
  }

  /** Reads the counter a last time and closes it (the exit has been reconciled with it). */
  #startedCountFinal(): void {
    if (this.#counterFd < 0) return;
    this.startedCount();
    closeSync(this.#counterFd);
    this.#counterFd = -1;
  }

  #setRef(on: boolean): void {
    this.#refed = on;
    const child = this.child;
    this.#channel?.ref(on);
    if (on) child.ref();
    else child.unref();
    this.#output.ref(on);
  }
}

/**
 * The child's Node flags: the parent's loader flags (so TypeScript task modules load as they do in the
 * parent), the heap limit (replacing the parent's own), then the `execArgv` option.
 */
function nodeFlags(memoryLimitMb: number | undefined, extra: readonly string[]): string[] {
  const flags = inheritedFlags(process.execArgv, memoryLimitMb === undefined ? [] : ['--max-old-space-size']);
  if (memoryLimitMb !== undefined)
    flags.push(`--max-old-space-size=${Math.max(1, Math.round(memoryLimitMb))}`);
  flags.push(...extra);
  return flags;
}
