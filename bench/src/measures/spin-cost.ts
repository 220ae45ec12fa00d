/**
 * What a warm pool burns in CPU for its latency: a worker that finished a lone task polls its port for
 * a moment before it sleeps (the next request usually follows at once, and waking a sleeping thread
 * costs as much as a trivial task). Measured from outside: the CPU time of this process (every thread:
 * the caller's and the pool's workers) plus that of its child processes (a process pool's workers), over
 * 1,000 sequential per-request round trips, then over an idle second right after them, sampled in short
 * windows to see how long any spin lasts. The same for the raw ping-pong the latency is held to.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { SpinCost } from '../result.js';
import type { Session } from '../subjects/subject.js';

/** The subjects whose spin cost the latency measure takes: the warm pools and their raw floors. */
export const SPIN_COST_SUBJECTS: readonly string[] = [
  'pool',
  'pool-process',
  'raw-ping-pong',
  'raw-process-ping-pong',
  'piscina',
];

/** Sampling window over the idle period, ms. */
const WINDOW_MS = 10;
/**
 * A window counts as spinning when CPU used more than this share of it (one core = 1): low enough that
 * a spinning thread which the OS gives only part of a core on a busy machine still counts.
 */
const SPIN_SHARE = 0.2;
/** Linux clock ticks per second in /proc/<pid>/stat (USER_HZ, 100 on every mainstream kernel). */
const TICKS_PER_SECOND = 100;

/** How the spin measure runs. */
export interface SpinOptions {
  /** Sequential round trips in the burst. */
  readonly tasks: number;
  /** Idle time observed after the burst, ms. */
  readonly idleMs: number;
  /**
   * Reads the CPU ms used so far by this process and the given children (default: `process.cpuUsage()`
   * plus /proc). Tests pass a scripted one: the real reading also counts whatever else this process does
   * (a test runner's own work), so only a scripted clock can say what a window must be called.
   */
  readonly readCpuMs?: ((children: readonly number[]) => number) | undefined;
}

/** Pids of this process's direct children (Linux /proc; empty elsewhere). */
function childPids(): number[] {
  if (process.platform !== 'linux') return [];
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat && stat.ppid === process.pid) pids.push(Number(name));
  }
  return pids;
}

function readStat(pid: number): { ppid: number; cpuMs: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone
  }
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(fields[1]);
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  return { ppid, cpuMs: (ticks * 1000) / TICKS_PER_SECOND };
}

/** CPU ms so far of this process (all threads) plus the listed children. */
function cpuNow(children: readonly number[]): number {
  const own = process.cpuUsage();
  let ms = (own.user + own.system) / 1000;
  for (const pid of children) ms += readStat(pid)?.cpuMs ?? 0;
  return ms;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Measures a warm session's CPU cost: over `tasks` sequential `run('noop')` calls, then over `idleMs`
 * of idleness right after them (and how long CPU use stayed above a fifth of a core).
 *
 * @example
 * ```ts
 * const spin = await measureSpinCost(session, { tasks: 1_000, idleMs: 1_000 });
 * spin.cpuMsPerThousand; // CPU ms the 1,000 round trips cost, caller and workers together
 * ```
 */
export async function measureSpinCost(session: Session, options: SpinOptions): Promise<SpinCost> {
  if (!Number.isInteger(options.tasks) || options.tasks < 1)
    throw new Error(`measureSpinCost: tasks must be a positive integer, got ${options.tasks}`);
  if (!(options.idleMs >= WINDOW_MS))
    throw new Error(`measureSpinCost: idleMs must be at least ${WINDOW_MS}, got ${options.idleMs}`);
  // Warm (workers started), so the children are there to be listed.
  for (let i = 0; i < 50; i++) await session.run('noop', i);
  const children = childPids();
  const read = options.readCpuMs ?? cpuNow;
  const cpu0 = read(children);
  const t0 = performance.now();
  for (let i = 0; i < options.tasks; i++) await session.run('noop', i);
  const t1 = performance.now();
  const cpu1 = read(children);
  let last = cpu1;
  let lastAt = t1;
  let spinMs = 0;
  while (lastAt - t1 < options.idleMs) {
    await sleep(WINDOW_MS);
    const at = performance.now();
    const cpu = read(children);
    if (cpu - last > (at - lastAt) * SPIN_SHARE) spinMs = at - t1;
    last = cpu;
    lastAt = at;
  }
  const burstCpuMs = cpu1 - cpu0;
  return {
    tasks: options.tasks,
    burstMs: t1 - t0,
    burstCpuMs,
    cpuMsPerThousand: (burstCpuMs * 1000) / options.tasks,
    idleMs: lastAt - t1,
    idleCpuMs: last - cpu1,
    spinMs,
    childProcesses: children.length,
    windowMs: WINDOW_MS,
  };
}
