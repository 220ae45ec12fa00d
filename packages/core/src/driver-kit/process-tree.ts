/**
 * The processes a worker's tasks start, found and ended from the parent. Every worker (a thread, a pool
 * thread or process, a fork child) is started with the environment variable `ISOLANE_TREE` holding a
 * marker of its own (`<host pid>.<random>.<worker number>`); the processes its tasks start inherit it
 * (core's runtime adds it to an explicit `env` option too), and so do theirs. To stop a worker's tree the
 * parent looks for every process whose initial environment (`/proc/<pid>/environ`) carries the marker:
 * SIGTERM, then SIGKILL for whatever still carries it after a short grace. On the host's normal exit
 * every process carrying a marker of this host is killed synchronously.
 *
 * Linux only: where `/proc` is missing (macOS, Windows) nothing is found and nothing is killed (the
 * `fork` driver still kills each child's process group). Not caught: a process that clears or replaces
 * its environment before it starts its own (`env -i`, a double-forked daemon that scrubs it), one started
 * by a path that bypasses Node's `child_process`, processes of another user, and anything left when the
 * host dies by SIGKILL.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { TREE_VAR, withTreeMarker } from './tree-marker.js';

/** How long a marked process may take to end after SIGTERM before it gets SIGKILL. */
export const TREE_GRACE_MS = 500;

const ENTRY_PREFIX = `${TREE_VAR}=`;

let hostPrefix: string | undefined;
let workerCount = 0;
let exitHooked = false;
/** Markers to end at the next scan, and the markers whose SIGKILL round is due at the same time. */
let pending: Set<string> | undefined;

/** `<pid>.<random>.`: what every marker this process hands out starts with. */
function prefix(): string {
  hostPrefix ??= `${process.pid}.${randomBytes(6).toString('hex')}.`;
  return hostPrefix;
}

/**
 * A new marker for one worker. The first call also arranges for every process carrying a marker of
 * this host to be killed when the host exits normally (`process.exit`, an empty event loop, or a signal
 * handler of the application's that ends in `process.exit`).
 *
 * @example
 * ```ts
 * const marker = newTreeMarker(); // '4242.9f1c2a7b3e00.1'
 * new Worker(entry, { env: markedEnv(process.env, marker) });
 * ```
 */
export function newTreeMarker(): string {
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', killHostTreesNow);
  }
  return `${prefix()}${++workerCount}`;
}

/**
 * A worker's environment: `env` (undefined: this process's) plus the marker. A worker started by a
 * worker (nested groups) keeps its parent's markers as well, so stopping either ends its processes.
 *
 * @example
 * ```ts
 * markedEnv({ PATH: '/usr/bin' }, 'a.b.1'); // { PATH: '/usr/bin', ISOLANE_TREE: 'a.b.1' }
 * ```
 */
export function markedEnv(
  env: Readonly<Record<string, string | undefined>> | undefined,
  marker: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env ?? process.env)) {
    if (value !== undefined) out[name] = value;
  }
  // This process's own markers (a host that is itself some worker's task) stay on its workers too.
  const inherited = process.env[TREE_VAR];
  const given = out[TREE_VAR];
  const base = inherited ? withTreeMarker(given, inherited) : given;
  out[TREE_VAR] = withTreeMarker(base, marker);
  return out;
}

/** The markers in a process's initial environment (empty: none, or it cannot be read). */
function markersOf(pid: string): string[] {
  let environ: string;
  try {
    environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return []; // gone, or another user's
  }
  let at = 0;
  if (!environ.startsWith(ENTRY_PREFIX)) {
    at = environ.indexOf(`\0${ENTRY_PREFIX}`);
    if (at === -1) return [];
    at += 1;
  }
  const start = at + ENTRY_PREFIX.length;
  const end = environ.indexOf('\0', start);
  return environ.slice(start, end === -1 ? undefined : end).split(',');
}

/**
 * Pids of the processes (other than this one) whose environment carries a marker `matches` accepts;
 * empty where `/proc` cannot be read.
 *
 * @example
 * ```ts
 * const left = markedPids((m) => m === marker);
 * ```
 */
export function markedPids(matches: (marker: string) => boolean): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const entry of entries) {
    const c = entry.charCodeAt(0);
    if (c < 48 || c > 57 || Number(entry) === process.pid) continue;
    if (markersOf(entry).some(matches)) out.push(Number(entry));
  }
  return out;
}

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Ends every process carrying `marker`: SIGTERM on the next turn of the event loop (one scan serves
 * every marker asked for meanwhile), SIGKILL after `graceMs` to whatever carries it then (including
 * processes started in between). Call it when the worker is stopped, and again once it has exited (a
 * process started while it was being stopped). Keeps the process alive for that one turn, never for the
 * grace (the host's exit kills what is left); a no-op without `/proc`.
 *
 * @example
 * ```ts
 * endProcessTree(marker); // a timeout: the worker's processes go with it
 * worker.once('exit', () => endProcessTree(marker));
 * ```
 */
export function endProcessTree(marker: string | undefined, graceMs: number = TREE_GRACE_MS): void {
  if (marker === undefined || process.platform !== 'linux') return;
  if (pending === undefined) {
    pending = new Set();
    // Not unref'd: an unref'd immediate may wait for the next ref'd event to run (measured: seconds).
    setImmediate(scanPending, graceMs);
  }
  pending.add(marker);
}

function scanPending(graceMs: number): void {
  const markers = pending;
  pending = undefined;
  if (markers === undefined) return;
  const matches = (m: string): boolean => markers.has(m);
  const found = markedPids(matches);
  if (found.length === 0) return;
  signalAll(found, 'SIGTERM');
  // Only the ones found get SIGKILL (checked again: a pid may have been reused); one started since is
  // found by the look taken once the worker has exited. A full scan is ~10-20 ms on a busy machine.
  setTimeout(() => {
    signalAll(
      found.filter((pid) => markersOf(String(pid)).some(matches)),
      'SIGKILL',
    );
  }, graceMs).unref();
}

/**
 * Kills (SIGKILL, synchronously) every process carrying a marker of this host: what the `exit`
 * listener does. Exported for drivers and tests that must clean up at once.
 *
 * @example
 * ```ts
 * process.on('exit', killHostTreesNow);
 * ```
 */
export function killHostTreesNow(): void {
  if (hostPrefix === undefined || process.platform !== 'linux') return;
  const host = hostPrefix;
  signalAll(
    markedPids((m) => m.startsWith(host)),
    'SIGKILL',
  );
}
