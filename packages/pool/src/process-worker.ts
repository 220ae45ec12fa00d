/**
 * The parent's side of one pool worker *process* (`runtime: 'process'`): a Node child started with
 * `child_process.fork` (IPC with advanced serialization) that runs the same worker entry and speaks the
 * same protocol as a worker thread. What differs is the transport: the child sends its messages in
 * packets (several answers, and the marker of the job it starts, in one IPC write), its start counter
 * arrives as those markers instead of living in shared memory, and its death is told by an exit code or
 * a signal (a native crash, `process.abort()`) plus the end of its stderr (V8's out-of-memory report).
 * Its start counter is a small file both sides hold open (unlinked at once): the child writes it
 * before each job, the parent reads it only when it must know (a death, a timeout, an abort). The same
 * file hands the child, before any task runs, the key its packets start with, so a task's own
 * `process.send` can never pass for an answer.
 *
 * Spawning is the `fork` driver's: the parent-death guard of core's driver-kit (`setpriv --pdeathsig
 * KILL`, else a watchdog thread in the child), killed on the parent's exit, the parent's loader flags.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  afterChildDrained,
  type ChildGrants,
  forgetOnParentExit,
  inheritedFlags,
  killOnParentExit,
  parentDeathGuard,
  endProcessTree,
  markedWorkerEnv,
  pdeathsigLaunch,
} from '@isolane/core/driver-kit';
import type { FromWorker, ToWorker } from './messages.js';
import type { SpawnOptions } from './pool-worker.js';
import type { PoolOutput, PoolStdio } from './process-options.js';
import { KEY_BYTES, KEY_OFFSET, type ProcessBoot } from './protocol.js';
import { type WorkerDeath, type WorkerEvents, WorkerState } from './worker-state.js';

// The same bundled entry as the threads': it picks its transport by where it runs.
const ENTRY = fileURLToPath(new URL('./worker-entry.bundle.js', import.meta.url));
const OOM_MARKER = /JavaScript heap out of memory|Fatal (?:JavaScript|process) out of memory/;
/** How much of the end of stderr is kept to explain a death. */
const TAIL_CHARS = 2048;
/** How long a dead child's IPC and stderr may still drain before its death is reconciled without them. */
const DRAIN_MS = 200;
/** How often the fallback watchdog thread polls the parent pid. */
const WATCHDOG_MS = 250;
const NO_PACKET: unknown[][] = [];
/** Where the start counter file goes in the child's stdio (after stdin, stdout, stderr and IPC). */
const STARTED_FD = 4;
let counterFiles = 0;

/** How to start a worker process: the thread's settings plus the process options. */
export interface ProcessSpawnOptions extends SpawnOptions {
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
  readonly #stderr: Readable | null;
  readonly #stdout: Readable | null;
  #packet: unknown[][] = NO_PACKET;
  #at = 0;
  /** What every packet of this worker's entry starts with. */
  readonly #key: string;
  /** The start counter file (-1 once closed), and a buffer to read it into. */
  #counterFd: number;
  readonly #counter = new Int32Array(1);
  #lastStarted = 0;
  #oom = false;
  #tail = '';
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
      preload: options.preload,
      watchdogMs: guard?.kind === 'thread' ? WATCHDOG_MS : 0,
      startedFd: STARTED_FD,
    };
    const counterPath = join(tmpdir(), `isolane-pool-${process.pid}-${++counterFiles}-${Date.now()}`);
    this.#counterFd = openSync(counterPath, 'wx+', 0o600);
    const key = randomBytes(KEY_BYTES);
    this.#key = key.toString('hex');
    writeSync(this.#counterFd, key, 0, KEY_BYTES, KEY_OFFSET);
    const permitted = options.grants?.launch(options.granted, guard?.kind === 'thread');
    this.reads = permitted?.reads;
    const flags = nodeFlags(options.memoryLimitMb, options.execArgv);
    if (permitted !== undefined) flags.push(...permitted.flags);
    const launch = guard?.kind === 'pdeathsig' ? pdeathsigLaunch(guard.setpriv, flags) : { execArgv: flags };
    const env = markedWorkerEnv(options.env ?? 'inherit', this.tree);
    let child: ChildProcess;
    try {
      child = fork(ENTRY, [JSON.stringify(boot)], {
        ...launch,
        env,
        cwd: options.cwd,
        serialization: 'advanced',
        // stderr is always piped: its end tells an out-of-memory death from a crash (both are aborts).
        stdio: [
          'ignore',
          options.stdio === 'capture' ? 'pipe' : options.stdio,
          'pipe',
          'ipc',
          this.#counterFd,
        ],
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
    this.#stderr = child.stderr;
    this.#stdout = options.stdio === 'capture' ? child.stdout : null;
    child.on('message', (packet: unknown) => this.#onPacket(packet));
    child.once('exit', (code, signal) => this.#onExit(code, signal));
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
    this.#watchOutput(options);
    if (!options.keepAlive) this.#setRef(false);
  }

  /** The child's pid (undefined if it could not be spawned). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  post(message: ToWorker): void {
    // Not connected: the child is dying, and its exit reconciles whatever was meant for it.
    if (this.child.connected) this.child.send(message);
  }

  receive(): FromWorker | undefined {
    const packet = this.#packet;
    while (this.#at < packet.length) {
      const m = packet[this.#at++];
      // Anything else is not the protocol (a task's own process.send): ignored.
      if (Array.isArray(m)) return m as unknown as FromWorker;
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
    return { exitCode: exit.exitCode, signal: exit.signal, oom: this.#oom, stderrTail: this.#tail };
  }

  #onPacket(packet: unknown): void {
    // Not from the worker entry (a task's own process.send, with or without a forged answer): ignored.
    if (!Array.isArray(packet) || packet[0] !== this.#key) return;
    this.#packet = packet as unknown[][];
    this.#at = 1;
    const first = this.receive();
    if (first !== undefined) this.events.onMessage(this, first);
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    forgetOnParentExit(this.child);
    // Its last packets and the end of its stderr (V8's OOM report) may still be on their way.
    afterChildDrained(this.child, this.#stderr, DRAIN_MS, () => this.#finish({ exitCode: code, signal }));
  }

  #finish(exit: ProcessExit): void {
    if (this.exit !== undefined) return;
    this.exit = exit;
    this.dead = true;
    endProcessTree(this.tree); // what its tasks started ends with it
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
    const channel = child.channel as { ref?: () => void; unref?: () => void } | null | undefined;
    const streams = [this.#stderr, this.#stdout] as ({ ref?: () => void; unref?: () => void } | null)[];
    if (on) {
      child.ref();
      channel?.ref?.();
      for (const s of streams) s?.ref?.();
    } else {
      child.unref();
      channel?.unref?.();
      for (const s of streams) s?.unref?.();
    }
  }

  #watchOutput(options: ProcessSpawnOptions): void {
    const onOutput = options.stdio === 'capture' ? options.onOutput : undefined;
    const pid = this.child.pid;
    const stderr = this.#stderr;
    if (stderr !== null) {
      const forward = options.stdio === 'inherit';
      stderr.on('data', (chunk: Buffer) => {
        if (forward) process.stderr.write(chunk);
        const text = chunk.toString('utf8');
        if (onOutput !== undefined) onOutput({ stream: 'stderr', text, pid });
        // The marker may straddle two chunks: scan it together with the end of the previous one.
        if (!this.#oom && OOM_MARKER.test(this.#tail.slice(-64) + text)) this.#oom = true;
        this.#tail = (this.#tail + text).slice(-TAIL_CHARS);
      });
    }
    if (this.#stdout !== null && onOutput !== undefined) {
      this.#stdout.setEncoding('utf8');
      this.#stdout.on('data', (text: string) => onOutput({ stream: 'stdout', text, pid }));
    }
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
