/**
 * Runs a fresh Node process for the suite (a sacrificial host, a tsx parent, an idle-exit check) and
 * collects what it printed and how it ended; past its time limit it is killed, and said so.
 */
import { spawn } from 'node:child_process';

/** How a Node child ended. */
export interface NodeRun {
  readonly code: number | null;
  readonly signal: string | null;
  readonly out: string;
  readonly err: string;
  /** True when it was killed for running past its limit. */
  readonly timedOut: boolean;
}

/**
 * Runs `node ...args` in `cwd`, killing it after `limitMs`.
 *
 * @example
 * ```ts
 * const { out, code } = await runNode(['-e', 'console.log(1)'], process.cwd(), 5_000);
 * ```
 */
export function runNode(args: readonly string[], cwd: string, limitMs: number): Promise<NodeRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err, timedOut });
    });
  });
}
