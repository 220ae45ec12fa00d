/**
 * Processes found by a marker in their command line (`/proc/<pid>/cmdline`, Linux only): what the
 * stop check counts to tell a process a task started, and left running after the task was stopped.
 */
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Pids of the processes (this one aside) one of whose arguments (argv[0] included) starts with
 * `marker`. A prefix, not a substring: a host script run by `node -e` holds markers in its source.
 *
 * @example
 * ```ts
 * markedPids('stop-check-1b2c'); // [] once every task's child is gone
 * ```
 */
export function markedPids(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.some((arg) => arg.startsWith(marker))) pids.push(Number(entry));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return pids;
}

/**
 * Waits up to `graceMs` for no process to carry `marker`; the pids still carrying it (empty: none).
 *
 * @example
 * ```ts
 * const left = await markedAfter('stop-check-1b2c', 2_000);
 * if (left.length > 0) console.error(`orphans: ${left.join(', ')}`);
 * ```
 */
export async function markedAfter(marker: string, graceMs: number): Promise<number[]> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const pids = markedPids(marker);
    if (pids.length === 0 || Date.now() > deadline) return pids;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * SIGKILLs every process carrying `marker`, so a failed check does not leave its orphans running.
 *
 * @example
 * ```ts
 * killMarked('stop-check-1b2c');
 * ```
 */
export function killMarked(marker: string): void {
  for (const pid of markedPids(marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
