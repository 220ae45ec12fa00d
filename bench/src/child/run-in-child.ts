/**
 * Runs a unit in a sacrificial child process with a hard timeout. The child leads its own process group
 * so that a unit that hangs — or leaves grandchildren behind (a per-task fork, a pool's workers) — is
 * killed as a whole, and a unit that kills its host is observed as such instead of taking the bench down.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HostMessage, Unit } from './unit.js';

/**
 * The bench's unit host script (unit-entry.js, next to this module).
 *
 * @example
 * ```ts
 * await runEntryInChild(UNIT_ENTRY, unit, { timeoutMs: 45_000 });
 * ```
 */
export const UNIT_ENTRY: string = fileURLToPath(new URL('./unit-entry.js', import.meta.url));

/** How a child run ended. */
export type ChildOutcome =
  | { readonly status: 'ok'; readonly data: unknown; readonly ms: number }
  /** The unit threw inside a healthy host. */
  | { readonly status: 'error'; readonly message: string; readonly ms: number; readonly stderr: string }
  /** The host died before it reported. */
  | {
      readonly status: 'killed';
      readonly exitCode: number | null;
      readonly signal: string | null;
      readonly ms: number;
      readonly stderr: string;
    }
  /** The host did not report within the hard timeout and was killed. */
  | { readonly status: 'hung'; readonly ms: number; readonly stderr: string };

/** Options of {@link runInChild}. */
export interface ChildOptions {
  readonly timeoutMs: number;
  /** Node flags of the host (e.g. a small heap for an in-process OOM probe). */
  readonly execArgv?: readonly string[];
  /** The host reported how far it got (a `progress` message; the run goes on). */
  readonly onProgress?: (text: string) => void;
}

const live = new Set<ChildProcess>();

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

/**
 * Kills every unit host still running, with its process group (for Ctrl-C and fatal errors).
 *
 * @example
 * ```ts
 * process.once('SIGINT', () => { killAllChildren(); process.exit(130); });
 * ```
 */
export function killAllChildren(): void {
  for (const child of live) killGroup(child);
  live.clear();
}

const STDERR_TAIL = 2_000;

/**
 * Runs `unit` in a fresh Node process and reports how it ended. Never rejects for anything the unit does.
 *
 * @example
 * ```ts
 * const outcome = await runInChild({ kind: 'probe', subject: 'p-limit', probe: 'exit', plan }, { timeoutMs: 10_000 });
 * outcome.status; // 'killed'
 * ```
 */
export function runInChild(unit: Unit, options: ChildOptions): Promise<ChildOutcome> {
  return runEntryInChild(UNIT_ENTRY, unit, options);
}

/**
 * Runs the host script `entry` (which answers one message with a {@link HostMessage}) in a fresh Node
 * process leading its own group, as {@link runInChild} does for units. Never rejects.
 *
 * @example
 * ```ts
 * const outcome = await runEntryInChild('/abs/task-host-entry.js', plan, { timeoutMs: 60_000 });
 * ```
 */
export function runEntryInChild(
  entry: string,
  message: unknown,
  options: ChildOptions,
): Promise<ChildOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = fork(entry, [], {
      detached: true,
      serialization: 'advanced',
      execArgv: [...(options.execArgv ?? [])],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    live.add(child);
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });
    let done = false;
    const finish = (outcome: ChildOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      live.delete(child);
      // Sweep what the unit left behind in its group (workers' children, a hung grandchild).
      killGroup(child);
      child.stderr?.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      finish({ status: 'hung', ms: performance.now() - started, stderr: stderr.trim() });
    }, options.timeoutMs);
    child.on('message', (m: HostMessage) => {
      if (m?.type === 'progress') {
        if (!done && typeof m.text === 'string') options.onProgress?.(m.text);
        return;
      }
      const ms = performance.now() - started;
      // The report is what counts; the host is about to exit and its group is swept.
      if (m.type === 'result') finish({ status: 'ok', data: m.data, ms });
      else finish({ status: 'error', message: m.message, ms, stderr: stderr.trim() });
    });
    child.on('error', (err) => {
      finish({
        status: 'error',
        message: `cannot start the unit host: ${err.message}`,
        ms: performance.now() - started,
        stderr,
      });
    });
    child.on('exit', (exitCode, signal) => {
      const ms = performance.now() - started;
      const dead = (): void => finish({ status: 'killed', exitCode, signal, ms, stderr: stderr.trim() });
      // 'exit' can overtake a report still in the IPC pipe: wait for the channel to drain first.
      if (!child.connected) return dead();
      const grace = setTimeout(dead, 500);
      child.once('disconnect', () => {
        clearTimeout(grace);
        setImmediate(dead);
      });
    });
    child.send(message as object);
  });
}
