/**
 * `@isolane/core/os-probes`: counting what a driver leaves behind — OS threads of this process and its
 * child processes (Linux /proc, with a `ps` fallback), polled because an exiting thread or process takes
 * a moment to disappear. Plain Node, no test runner: scripts (the reliability runs, an app's own checks)
 * load it without Vitest. `@isolane/core/testing` re-exports it.
 *
 * @example
 * ```ts
 * import { childPids, eventually } from '@isolane/core/os-probes';
 * const clean = await eventually(() => childPids().length === 0, 5_000);
 * ```
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Number of OS threads in this process (Linux), or undefined where /proc is missing.
 *
 * @example
 * ```ts
 * const before = countThreads();
 * ```
 */
export function countThreads(): number | undefined {
  try {
    return readdirSync('/proc/self/task').length;
  } catch {
    return undefined;
  }
}

/**
 * Pids of the live (non-zombie) child processes of `pid` (default: this process).
 *
 * @example
 * ```ts
 * assert.deepEqual(childPids(), []);
 * ```
 */
export function childPids(pid: number = process.pid): number[] {
  try {
    const out: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        // Fields after the command name: state ppid ...
        const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(rest[1]) === pid && rest[0] !== 'Z') out.push(Number(entry));
      } catch {
        // the process exited while we looked
      }
    }
    return out;
  } catch {
    const text = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
    return text
      .split('\n')
      .map((s) => Number(s.trim()))
      .filter((n) => n > 0);
  }
}

/**
 * True when a process with this pid exists (and is not a zombie).
 *
 * @example
 * ```ts
 * isAlive(child.pid);
 * ```
 */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Polls `probe` until it returns true or `ms` pass; resolves with the last answer.
 *
 * @example
 * ```ts
 * assert.ok(await eventually(() => childPids().length === 0, 5_000));
 * ```
 */
export async function eventually(probe: () => boolean, ms: number, every = 25): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (probe()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, every));
  }
}
