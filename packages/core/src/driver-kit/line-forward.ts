/**
 * Forwarding a child's output to this process's stream in whole lines. Several children writing to one
 * shared pipe or socket (or this process writing their chunks as they come) can cut each other's lines:
 * a write that finds the pipe nearly full goes in part, and another process's bytes land in the middle
 * of a line — both lines come out broken (seen with `stdio: 'inherit'` on a busy machine: a reader
 * counting lines found two fewer). Here each child's last, unfinished line is held back until its
 * newline arrives, so what reaches the destination is only ever whole lines, one child's at a time.
 *
 * A line is held at most `maxHeld` bytes (a task printing a huge line, or a progress bar of `\r`s
 * without a newline, must not grow this process's memory): past that, what is held goes out as it is.
 * What is held goes out when its newline comes, when the stream ends (the child is gone), and at this
 * process's exit. Not when the child's task settles: this process may have paused the pipe for a full
 * destination (back-pressure), so the rest of that line may still be in the pipe, and sending the
 * part it has would let another child's line in between. So a warm worker's last line without a
 * newline comes out with that worker's next newline, or when it exits.
 */
import type { Readable } from 'node:stream';
import { forwardOutput } from './output-forward.js';

/** How many bytes of one unfinished line are held back before they go out anyway (64 KiB). */
export const MAX_HELD_LINE_BYTES = 64 * 1024;

const NEWLINE = 0x0a;

/** Forwarders holding part of a line now, flushed at this process's exit. */
const holding = new Set<LineForward>();
let exitHooked = false;

/**
 * Forwards `source`'s chunks to `dest` in whole lines, with `forwardOutput`'s back-pressure.
 *
 * @example
 * ```ts
 * const lines = new LineForward(child.stdout, process.stdout);
 * child.stdout.on('data', (chunk: Buffer) => lines.push(chunk));
 * child.stdout.on('end', () => lines.flush());
 * ```
 */
export class LineForward {
  readonly #source: Readable;
  readonly #dest: NodeJS.WritableStream;
  readonly #maxHeld: number;
  #held: Buffer[] = [];
  #heldBytes = 0;

  constructor(source: Readable, dest: NodeJS.WritableStream, maxHeld = MAX_HELD_LINE_BYTES) {
    this.#source = source;
    this.#dest = dest;
    this.#maxHeld = maxHeld;
  }

  /** Bytes of an unfinished line held back now. */
  get held(): number {
    return this.#heldBytes;
  }

  /** Takes one chunk the child wrote: its whole lines go out at once (one write), the rest waits. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    const last = chunk.lastIndexOf(NEWLINE);
    if (last < 0) {
      this.#hold(chunk);
      if (this.#heldBytes > this.#maxHeld) this.flush();
      return;
    }
    const end = last + 1;
    const lines = end === chunk.length ? chunk : chunk.subarray(0, end);
    let out = lines;
    if (this.#heldBytes > 0) {
      this.#held.push(lines);
      out = Buffer.concat(this.#held);
      this.#held = [];
      this.#heldBytes = 0;
      holding.delete(this);
    }
    // The rest is copied: a subarray would keep the whole chunk alive while it waits.
    if (end < chunk.length) this.#hold(Buffer.from(chunk.subarray(end)));
    forwardOutput(this.#source, this.#dest, out);
  }

  /** Sends what is held of an unfinished line (the stream ended, or this process exits). */
  flush(): void {
    if (this.#heldBytes === 0) return;
    const out = this.#held.length === 1 ? this.#held[0]! : Buffer.concat(this.#held);
    this.#held = [];
    this.#heldBytes = 0;
    holding.delete(this);
    forwardOutput(this.#source, this.#dest, out);
  }

  #hold(part: Buffer): void {
    this.#held.push(part);
    this.#heldBytes += part.length;
    holding.add(this);
    if (!exitHooked) {
      exitHooked = true;
      // A write to a pipe with room goes out at once, even from an 'exit' listener.
      process.once('exit', () => {
        for (const lines of holding) lines.flush();
      });
    }
  }
}
