/**
 * Waiting for a dead child's last words. Node may report a child's exit before it has read the child's
 * last IPC messages and the end of its stderr (V8's out-of-memory report, a crash trace): a driver that
 * classified the death at once would miss them. This waits for both to end — but not forever, since a
 * grandchild may hold the pipe open.
 */
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

/**
 * Calls `then` once the exited `child`'s IPC channel (if it has one) has disconnected and `streams`
 * (its piped stderr, the pipe of its answers: one stream, null, or a list) have closed, or after
 * `maxMs`, whichever comes first; at once when there is nothing to wait for.
 *
 * @example
 * ```ts
 * child.once('exit', (code, signal) => afterChildDrained(child, child.stderr, 200, () => report(code, signal)));
 * ```
 */
export function afterChildDrained(
  child: ChildProcess,
  streams: Readable | null | readonly (Readable | null)[],
  maxMs: number,
  then: () => void,
): void {
  let waiting = 0;
  let timer: NodeJS.Timeout | undefined;
  const done = (): void => {
    if (--waiting > 0) return;
    if (timer !== undefined) clearTimeout(timer);
    waiting = 0;
    then();
  };
  const list = Array.isArray(streams) ? streams : [streams as Readable | null];
  for (const stream of list) {
    if (stream === null || stream.destroyed) continue;
    waiting++;
    stream.once('close', done);
  }
  if (child.connected) {
    waiting++;
    child.once('disconnect', done);
  }
  if (waiting === 0) {
    then();
    return;
  }
  timer = setTimeout(() => {
    waiting = 1;
    done();
  }, maxMs);
}
