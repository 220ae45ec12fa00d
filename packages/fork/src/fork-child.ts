/**
 * One child process as the parent sees it: spawned with `child_process.spawn` and core's driver-kit
 * channel (keyed `v8.serialize` frames on two extra pipes, instead of Node's IPC channel, whose parser
 * throws in the parent's event loop on a task's garbage; killed if the parent exits first), its output
 * forwarded or captured, its stderr
 * watched for V8's out-of-memory marker (a V8 heap OOM is an abort, indistinguishable by exit status
 * alone), stopped with SIGTERM then SIGKILL, and referenced only while the parent must wait for it.
 *
 * Not execa: its `execaNode` builds some 200 KB of per-child bookkeeping in the parent (option
 * normalisation, a result promise pipeline, an IPC message iterator with its own 2,048-slot queue) that
 * lives as long as the child, so it survives young-generation collections; a fork-per-task parent then
 * grows V8's new space to its maximum, 30 MB more resident memory that comes and goes with the load.
 * Raw `fork` costs a few KB per child, and nothing execa added (buffering, rejection, lines) was used.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  afterChildDrained,
  ChildChannel,
  ChildOutput,
  channelStdio,
  childStdoutSpec,
  endProcessTree,
  markedEnv,
  newTreeMarker,
} from '@isolane/core/driver-kit';
import type { ForkStdio } from './fork-options.js';
import { pdeathsigLaunch } from './parent-death.js';
import { forgetOnParentExit, killOnParentExit } from './parent-exit.js';
import { type ChildConfig, type ChildMessage, childMessageProblem, type ParentMessage } from './protocol.js';

// The child entry bundled with core's runtime: one file for a cold child to load (see child-entry.ts).
const ENTRY = fileURLToPath(new URL('./child-entry.bundle.js', import.meta.url));
/** How long a dead child's stderr may still drain before its death is classified without it. */
const STDERR_DRAIN_MS = 200;

/** How a child ended. */
export interface ChildExit {
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** V8 reported that the heap ran out of memory. */
  readonly oom: boolean;
  /** The last characters the child wrote to stderr. */
  readonly stderrTail: string;
  /** Set when the process could not be spawned at all. */
  readonly spawnError?: string;
}

/** How to start a child. */
export interface ForkChildOptions {
  readonly nodeFlags: readonly string[];
  /** Start the child through this `setpriv`, so the kernel kills it when this process dies. */
  readonly setpriv: string | undefined;
  readonly config: ChildConfig;
  readonly stdio: ForkStdio;
  readonly onOutput: ((stream: 'stdout' | 'stderr', text: string, child: ForkChild) => void) | undefined;
  /** The child's environment; undefined: the parent's (see the `env` option). */
  readonly env?: Record<string, string> | undefined;
  /** With the `permissions` option: what this child may read (its task module must be among them). */
  readonly reads?: readonly string[] | '*' | undefined;
}

/**
 * A child process that runs at most one job.
 *
 * @example
 * ```ts
 * const child = new ForkChild({ nodeFlags: [], setpriv: undefined, config: {}, stdio: 'inherit', onOutput: undefined });
 * child.onMessage = (m) => console.log(m);
 * child.send({ t: 'job', id: 1, task, args: [] });
 * ```
 */
export class ForkChild {
  /** Called for every message of the protocol the child sends. */
  onMessage: (message: ChildMessage) => void = () => {};
  /** Called once when the child is gone. */
  onExit: (exit: ChildExit) => void = () => {};
  /**
   * Called once when the channel is corrupted (bytes, a wrong shape, a forged frame: what a task wrote
   * where only the child's entry may); nothing more is delivered from this child.
   */
  onCorrupt: (detail: string, atEnd: boolean) => void = () => {};
  /** The job this child runs, for output attribution. */
  jobId: number | undefined;
  /** What the child may read when it runs under the permission model (undefined: no model). */
  readonly reads: readonly string[] | '*' | undefined;
  /** The `ISOLANE_TREE` marker of this child and of every process its task starts: they end with it. */
  readonly tree: string = newTreeMarker();
  readonly #process: ChildProcess;
  readonly #channel: ChildChannel | undefined;
  readonly #output: ChildOutput;
  #alive = true;
  #killTimer: NodeJS.Timeout | undefined;
  #stopping = false;
  #held = true;

  constructor(options: ForkChildOptions) {
    const launch = options.setpriv
      ? pdeathsigLaunch(options.setpriv, options.nodeFlags)
      : { execArgv: [...options.nodeFlags] };
    this.reads = options.reads;
    const execPath = (launch as { execPath?: string }).execPath ?? process.execPath;
    const subprocess = spawn(execPath, [...launch.execArgv, ENTRY, JSON.stringify(options.config)], {
      env: markedEnv(options.env, this.tree),
      // Output is never buffered here: it is forwarded in whole lines (or inherited on a terminal),
      // ignored or streamed to `onOutput`; only a small tail of stderr is kept, to explain a death
      // (driver-kit's ChildOutput). Fds 3 and 4: the channel.
      stdio: channelStdio(['ignore', childStdoutSpec(options.stdio), 'pipe']) as (
        | 'pipe'
        | 'ignore'
        | 'inherit'
      )[],
    });
    this.#process = subprocess;
    if (subprocess.pid !== undefined) killOnParentExit(subprocess);
    const onOutput = options.onOutput;
    this.#output = new ChildOutput(
      subprocess,
      options.stdio,
      onOutput === undefined ? undefined : (stream, text) => onOutput(stream, text, this),
    );
    let corrupt = false;
    const onCorrupt = (detail: string, atEnd = false): void => {
      if (corrupt) return;
      corrupt = true;
      this.onCorrupt(detail, atEnd);
    };
    this.#channel =
      subprocess.pid === undefined
        ? undefined
        : new ChildChannel(subprocess, {
            // Handled at the end of the I/O turn that read them: what the task printed before its
            // result is in the child's pipes by then (its runtime posts only once it is), and read in
            // the same turn — so a settled slot's output has been forwarded. Its death waits too.
            onMessage: (message) =>
              setImmediate(() => {
                if (corrupt) return;
                const problem = childMessageProblem(message);
                if (problem === undefined) this.onMessage(message as ChildMessage);
                else onCorrupt(`a message of the wrong shape (${problem})`);
              }),
            onCorrupt: (detail, atEnd) => setImmediate(() => onCorrupt(detail, atEnd)),
          });
    subprocess.once('exit', (code, signal) => {
      forgetOnParentExit(subprocess);
      this.#exited(code, signal);
    });
    subprocess.on('error', (err) => {
      if (subprocess.pid === undefined)
        this.#finish({ exitCode: null, signal: null, spawnError: err.message });
    });
  }

  /** The process id (undefined if it could not be spawned). */
  get pid(): number | undefined {
    return this.#process.pid;
  }

  /** False once the process has exited. */
  get alive(): boolean {
    return this.#alive;
  }

  /** Sends the job, or a frame of the caller's messages. Errors (a child that just died) surface as its exit. */
  send(message: ParentMessage): void {
    if (!this.#alive || this.#channel === undefined || !this.#channel.open) return;
    this.#channel.send(message);
  }

  /** Keeps the parent's event loop alive while this child works for it. */
  hold(): void {
    this.#setRef(true);
  }

  /** Lets the parent exit even though this child is still there (idle or lingering). */
  release(): void {
    this.#setRef(false);
  }

  /** SIGTERM now, SIGKILL after `graceMs` unless it is gone by then. */
  stop(graceMs: number): void {
    if (!this.#alive || this.#stopping) return;
    this.#stopping = true;
    this.#process.kill('SIGTERM');
    endProcessTree(this.tree);
    this.#killTimer = setTimeout(() => this.#process.kill('SIGKILL'), graceMs);
    // A released child (idle or lingering) must not keep the parent alive through its kill timer either.
    if (!this.#held) this.#killTimer.unref();
  }

  /** True once `stop()` was called: the death that follows is expected. */
  get stopping(): boolean {
    return this.#stopping;
  }

  #setRef(on: boolean): void {
    this.#held = on;
    if (on) this.#killTimer?.ref();
    else this.#killTimer?.unref();
    const p = this.#process;
    this.#channel?.ref(on);
    if (on) {
      p.ref();
      this.#output.ref(true);
    } else {
      p.unref();
      this.#output.ref(false);
    }
  }

  #exited(code: number | null, signal: NodeJS.Signals | null): void {
    // Stopped or crashed: what its task started goes too (a second look: started while it stopped).
    if (this.#stopping || code !== 0 || signal !== null) endProcessTree(this.tree);
    // Its last messages, the end of its stderr (V8's OOM report) and of its captured stdout may still
    // be on their way.
    const streams = [this.#output.stderr, this.#output.stdout, this.#channel?.answers ?? null];
    afterChildDrained(this.#process, streams, STDERR_DRAIN_MS, () =>
      setImmediate(() => this.#finish({ exitCode: code, signal })),
    );
  }

  #finish(exit: { exitCode: number | null; signal: string | null; spawnError?: string }): void {
    if (!this.#alive) return;
    this.#alive = false;
    if (this.#killTimer) clearTimeout(this.#killTimer);
    // A process its task started may still hold the other end of these pipes (`stdio: 'inherit'`):
    // whatever it still writes is forwarded, but it never keeps this process alive.
    this.#output.ref(false);
    this.#output.flush();
    this.onExit({ ...exit, oom: this.#output.oom, stderrTail: this.#output.tail });
  }
}
