/**
 * Whole-tree kills. Every command starts as the leader of its own process group (`detached: true`
 * makes the child call setsid), so one `kill(-pgid, sig)` reaches the shell, the npm script and every
 * process they started — unless one of them leaves the group on purpose (setsid, double-fork daemons).
 * Groups still alive when this process exits (normally or by a catchable signal) get SIGKILL: a
 * detached group no longer dies with its parent's terminal.
 */
import { onExit } from 'signal-exit';

const live = new Set<number>();
let hooked = false;

/**
 * Sends `signal` to every process of the group `pgid`; false when no process of it is left.
 *
 * @example
 * ```ts
 * signalGroup(child.pid!, 'SIGTERM');
 * ```
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    // ESRCH: the whole group is gone; EPERM cannot happen for our own children.
    return false;
  }
}

/**
 * True while at least one process of the group `pgid` is alive (zombies count until reaped).
 *
 * @example
 * ```ts
 * if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
 * ```
 */
export function groupAlive(pgid: number): boolean {
  return signalGroup(pgid, 0);
}

/**
 * Installs the exit hook. Call it before spawning: Node runs signal handlers between synchronous
 * runs of JavaScript, so a signal that lands while a spawn is being set up is handled after the new
 * group is tracked — but only if a handler is already there (otherwise the default action kills this
 * process at once and the group lives on).
 *
 * @example
 * ```ts
 * guardExit();
 * const child = spawn(file, args, { detached: true });
 * trackGroup(child.pid!);
 * ```
 */
export function guardExit(): void {
  if (hooked) return;
  hooked = true;
  onExit(() => {
    for (const group of live) signalGroup(group, 'SIGKILL');
  });
}

/**
 * Remembers a group so that it is killed if this process exits before the group is released.
 *
 * @example
 * ```ts
 * trackGroup(child.pid!);
 * ```
 */
export function trackGroup(pgid: number): void {
  guardExit();
  live.add(pgid);
}

/**
 * Forgets a group (it was killed, or its leader exited and nothing of it is left).
 *
 * @example
 * ```ts
 * releaseGroup(child.pid!);
 * ```
 */
export function releaseGroup(pgid: number): void {
  live.delete(pgid);
}
