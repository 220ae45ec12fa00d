/**
 * CPU time of this process and its descendants (Linux `/proc`): threads are inside the process, child
 * processes are counted live or, once reaped, through the process's `cutime`/`cstime`. So "cores kept
 * busy" means the same for a pool of threads and for a process per task. Elsewhere only this process's
 * own CPU time is known.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { TREE_RSS_SUPPORTED } from '../probes/tree-rss.js';

/** Clock ticks per second of `/proc/<pid>/stat` times (USER_HZ: 100 on every Linux Node supports). */
const TICKS_PER_SECOND = 100;

function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is parenthesized and may contain spaces: fields start after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Fields 14-17 of stat (11-14 after the name), in ms: utime, stime, cutime, cstime. */
function cpuMsOf(fields: readonly string[], from = 11): number {
  let ticks = 0;
  for (let i = from; i <= 14; i++) ticks += Number(fields[i] ?? 0);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/**
 * CPU ms used so far by this process (its threads included, to the microsecond), the children it has
 * reaped, and every live descendant (the last two in 10 ms clock ticks).
 *
 * @example
 * ```ts
 * const before = treeCpuMs(); await work(); const cores = (treeCpuMs() - before) / wallMs;
 * ```
 */
export function treeCpuMs(): number {
  const own = process.cpuUsage();
  const ownMs = (own.user + own.system) / 1000;
  if (!TREE_RSS_SUPPORTED) return ownMs;
  const root = process.pid;
  const children = new Map<number, number[]>();
  const cpu = new Map<number, number>();
  let reapedMs = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(entry);
    if (!fields) continue;
    const pid = Number(entry);
    // Our own utime/stime come from cpuUsage(); only the reaped children's times from here.
    if (pid === root) reapedMs = cpuMsOf(fields, 13);
    else cpu.set(pid, cpuMsOf(fields));
    const ppid = Number(fields[1]);
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  let ms = ownMs + reapedMs;
  const stack = [...(children.get(root) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    ms += cpu.get(pid) ?? 0;
    for (const c of children.get(pid) ?? []) stack.push(c);
  }
  return ms;
}
