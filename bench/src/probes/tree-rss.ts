/**
 * Resident memory of a process and all its descendants (Linux `/proc`), so that memory per worker means
 * the same for threads (inside the process) and child processes (outside it). Elsewhere only the
 * process's own RSS is available, which undercounts process-based subjects; the report says which.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** True where descendants can be counted. */
export const TREE_RSS_SUPPORTED = process.platform === 'linux';

function readStatPpid(pid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is parenthesized and may contain spaces: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

function rssKb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * RSS in MiB of `root` and every descendant process.
 *
 * @example
 * ```ts
 * treeRssMb(process.pid); // 61.2
 * ```
 */
export function treeRssMb(root: number = process.pid): number {
  if (!TREE_RSS_SUPPORTED) return process.memoryUsage().rss / 2 ** 20;
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = readStatPpid(entry);
    if (ppid === undefined) continue;
    const list = children.get(ppid);
    if (list) list.push(Number(entry));
    else children.set(ppid, [Number(entry)]);
  }
  let kb = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    kb += rssKb(pid);
    for (const c of children.get(pid) ?? []) stack.push(c);
  }
  return kb / 1024;
}
