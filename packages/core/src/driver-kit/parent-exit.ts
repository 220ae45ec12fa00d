/**
 * Kills the children still alive when this (parent) process exits normally, e.g. through
 * `process.exit()` while tasks run: nobody would read their results. One `exit` listener serves every
 * child, and it is there only while some child is alive, so a thousand tasks leave the process's
 * listeners exactly as they found them. A parent killed by a signal never runs `exit` listeners; its
 * children see their IPC channel close (and their watchdog sees the parent pid change) and exit by
 * themselves.
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();

function killAll(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone: nothing to clean up.
    }
  }
  live.clear();
}

/**
 * Registers a child to be killed if this process exits before the child does.
 *
 * @example
 * ```ts
 * const child = fork(entry);
 * killOnParentExit(child);
 * child.once('exit', () => forgetOnParentExit(child));
 * ```
 */
export function killOnParentExit(child: ChildProcess): void {
  if (live.size === 0) process.on('exit', killAll);
  live.add(child);
}

/**
 * Unregisters a child that is gone; the process `exit` listener goes with the last one.
 *
 * @example
 * ```ts
 * child.once('exit', () => forgetOnParentExit(child));
 * ```
 */
export function forgetOnParentExit(child: ChildProcess): void {
  if (!live.delete(child)) return;
  if (live.size === 0) process.off('exit', killAll);
}
