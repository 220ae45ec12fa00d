/**
 * Whole-tree kills. By default every command starts as the leader of its own process group
 * (`detached: true` makes the child call setsid), so one `kill(-pgid, sig)` reaches the shell, the npm
 * script and every process they started — unless one of them leaves the group on purpose (setsid,
 * double-fork daemons). A kill target is a process group as `-pgid`, or a single process as its pid
 * (`processGroup: false`). Targets still alive when this process exits (normally or by a catchable
 * signal) get SIGKILL: a detached group no longer dies with its parent's terminal.
 */
import { onExit } from 'signal-exit';

const live = new Set<number>();
let hooked = false;

/**
 * Sends `signal` to a kill target (`-pgid` for a whole group, a pid for one process); false when no
 * process of it is left.
 *
 * @example
 * ```ts
 * signalTarget(-child.pid!, 'SIGTERM'); // the child and everything in its group
 * ```
 */
export function signalTarget(target: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch {
    // ESRCH: nothing left to signal (EPERM cannot happen for our own children).
    return false;
  }
}

/**
 * True while at least one process of the target is alive.
 *
 * @example
 * ```ts
 * if (targetAlive(-pid)) signalTarget(-pid, 'SIGKILL');
 * ```
 */
export function targetAlive(target: number): boolean {
  return signalTarget(target, 0);
}

/**
 * Installs the exit hook. Call it before spawning: Node runs signal handlers between synchronous
 * runs of JavaScript, so a signal that lands while a spawn is being set up is handled after the new
 * target is tracked — but only if a handler is already there (otherwise the default action kills this
 * process at once and the group lives on).
 *
 * @example
 * ```ts
 * guardExit();
 * const child = spawn(file, args, { detached: true });
 * trackTarget(-child.pid!);
 * ```
 */
export function guardExit(): void {
  if (hooked) return;
  hooked = true;
  onExit(() => {
    for (const target of live) signalTarget(target, 'SIGKILL');
  });
}

/**
 * Remembers a target so that it is killed if this process exits before the target is released.
 *
 * @example
 * ```ts
 * trackTarget(-child.pid!);
 * ```
 */
export function trackTarget(target: number): void {
  guardExit();
  live.add(target);
}

/**
 * Forgets a target (it was killed, or nothing of it is left).
 *
 * @example
 * ```ts
 * releaseTarget(-child.pid!);
 * ```
 */
export function releaseTarget(target: number): void {
  live.delete(target);
}
