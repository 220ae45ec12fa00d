/**
 * A task child's stdout and stderr as its parent handles them, the same for a process per task (`fork`)
 * and a warm worker process (`pool` with `runtime: 'process'`):
 * - `'inherit'`: what the child prints comes out of this process's stdout/stderr, in whole lines (see
 *   line-forward.ts: children sharing one pipe cut each other's lines). stdout goes through this process
 *   when it is a pipe or a socket; when it is a terminal, a file or a device such as /dev/null the child
 *   writes to it directly (a task keeps its colours on a terminal; a write there is never cut short
 *   like a pipe's, and a file takes it whole). stderr is always piped through this process.
 * - `'capture'`: both go to `onOutput`, as chunks.
 * - `'ignore'`: stdout is dropped; stderr is still read.
 * stderr is always read, whatever the mode: its last characters explain a death, and V8's out-of-memory
 * report there tells an OOM from another abort.
 */
import type { ChildProcess } from 'node:child_process';
import { fstatSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { LineForward } from './line-forward.js';

/** Where a child's output goes. */
export type ChildStdioMode = 'inherit' | 'capture' | 'ignore';

/** V8's report of a heap that ran out of memory (the process then aborts). */
const OOM_MARKER = /JavaScript heap out of memory|Fatal (?:JavaScript|process) out of memory/;
/** How much of the end of stderr is kept to explain a death. */
const TAIL_CHARS = 2048;

/** Whether this process's stdout takes children's writes whole (a terminal, a file, a device): once. */
let stdoutTakesWholeWrites: boolean | undefined;

function directStdout(): boolean {
  if (stdoutTakesWholeWrites === undefined) {
    try {
      const stat = fstatSync(1);
      stdoutTakesWholeWrites = stat.isFile() || stat.isCharacterDevice();
    } catch {
      // No stdout at all (a closed descriptor): nothing to forward to; the child gets what this has.
      stdoutTakesWholeWrites = true;
    }
  }
  return stdoutTakesWholeWrites;
}

/**
 * The `stdio` entry for a child's stdout in `mode`: piped, except `'inherit'` onto a terminal, a file
 * or a device (direct) and `'ignore'`.
 *
 * @example
 * ```ts
 * spawn(process.execPath, [entry], { stdio: ['ignore', childStdoutSpec('inherit'), 'pipe'] });
 * ```
 */
export function childStdoutSpec(mode: ChildStdioMode): 'pipe' | 'inherit' | 'ignore' {
  if (mode === 'capture') return 'pipe';
  if (mode === 'ignore') return 'ignore';
  return directStdout() ? 'inherit' : 'pipe';
}

/**
 * Reads a spawned child's piped stdout and stderr per `mode`: forwards them in whole lines, or hands
 * them to `onOutput`, and keeps the end of stderr (and whether V8 reported an OOM there).
 *
 * @example
 * ```ts
 * const child = spawn(process.execPath, [entry], { stdio: ['ignore', childStdoutSpec('inherit'), 'pipe'] });
 * const output = new ChildOutput(child, 'inherit', undefined);
 * // when its task settles: output.flush(); when it died: output.oom, output.tail
 * ```
 */
export class ChildOutput {
  /** The child's piped stdout (null when it is inherited directly or ignored). */
  readonly stdout: Readable | null;
  /** The child's piped stderr. */
  readonly stderr: Readable | null;
  #oom = false;
  #tail = '';
  readonly #lines: LineForward[] = [];

  constructor(
    child: ChildProcess,
    mode: ChildStdioMode,
    onOutput: ((stream: 'stdout' | 'stderr', text: string) => void) | undefined,
  ) {
    this.stdout = child.stdout;
    this.stderr = child.stderr;
    const capture = mode === 'capture' ? onOutput : undefined;
    const stdout = this.stdout;
    if (stdout !== null) {
      if (capture !== undefined) {
        stdout.setEncoding('utf8');
        stdout.on('data', (text: string) => capture('stdout', text));
      } else if (mode === 'inherit') {
        this.#forward(stdout, process.stdout);
      } else {
        stdout.resume();
      }
    }
    const stderr = this.stderr;
    if (stderr === null) return;
    if (mode === 'inherit') this.#forward(stderr, process.stderr);
    stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (capture !== undefined) capture('stderr', text);
      // The marker may straddle two chunks: scan it together with the end of the previous one.
      if (!this.#oom && OOM_MARKER.test(this.#tail.slice(-64) + text)) this.#oom = true;
      this.#tail = (this.#tail + text).slice(-TAIL_CHARS);
    });
  }

  /** V8 reported on stderr that the heap ran out of memory. */
  get oom(): boolean {
    return this.#oom;
  }

  /** The last characters the child wrote to stderr. */
  get tail(): string {
    return this.#tail;
  }

  /** Sends on what is held of unfinished lines: the child is gone. */
  flush(): void {
    for (const lines of this.#lines) lines.flush();
  }

  /** Keeps (or stops keeping) this process alive for the child's pipes. */
  ref(on: boolean): void {
    for (const stream of [this.stdout, this.stderr] as ({ ref?: () => void; unref?: () => void } | null)[]) {
      if (on) stream?.ref?.();
      else stream?.unref?.();
    }
  }

  #forward(source: Readable, dest: NodeJS.WritableStream): void {
    const lines = new LineForward(source, dest);
    this.#lines.push(lines);
    source.on('data', (chunk: Buffer) => lines.push(chunk));
    source.once('end', () => lines.flush());
  }
}
