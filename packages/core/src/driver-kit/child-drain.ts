/**
 * Waiting for a dead child's last words. Node may report a child's exit before it has read the child's
 * last IPC messages and the end of its stderr (V8's out-of-memory report, a crash trace): a driver that
 * classified the death at once would miss them. This waits for both to end — but not forever, since a
 * grandchild may hold the pipe open.
 */
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

/**
 * Calls `then` once the exited `child`'s IPC channel has disconnected and `stderr` (if piped) has
 * closed, or after `maxMs`, whichever comes first; at once when there is nothing to wait for.
 *
 * @example
 * ```ts
 * child.once('exit', (code, signal) => afterChildDrained(child, child.stderr, 200, () => report(code, signal)));
 * ```
 */
export function afterChildDrained(
  child: ChildProcess,
  stderr: Readable | null,
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
  if (stderr !== null && !stderr.readableEnded && !stderr.destroyed) {
    waiting++;
    stderr.once('close', done);
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
