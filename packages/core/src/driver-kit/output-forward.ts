/**
 * Forwarding a child's piped output (its stderr, always piped so a death can be explained) to this
 * process's own stream with back-pressure: when the destination cannot take more (a full pipe to a slow
 * reader), the child's pipe is paused until it drains, so the child waits in its writes instead of this
 * process buffering without bound — and nothing is dropped. One `drain` listener per destination, however
 * many children wait on it.
 */
import type { Readable } from 'node:stream';

/** Sources paused on each destination, resumed together at its next `drain`. */
const waiting = new Map<NodeJS.WritableStream, Readable[]>();

/**
 * Writes `chunk` (read from `source`) to `dest`; pauses `source` until `dest` drains when `dest` is full.
 *
 * @example
 * ```ts
 * child.stderr.on('data', (chunk: Buffer) => forwardOutput(child.stderr, process.stderr, chunk));
 * ```
 */
export function forwardOutput(source: Readable, dest: NodeJS.WritableStream, chunk: Buffer | string): void {
  if (dest.write(chunk)) return;
  source.pause();
  const paused = waiting.get(dest);
  if (paused !== undefined) {
    paused.push(source);
    return;
  }
  waiting.set(dest, [source]);
  dest.once('drain', () => {
    const sources = waiting.get(dest) ?? [];
    waiting.delete(dest);
    for (const s of sources) if (!s.destroyed) s.resume();
  });
}
