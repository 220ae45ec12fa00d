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
 * Runs `node ...args` in `cwd`, killing it after `limitMs`. With `pauseMs`, its output is read slowly
 * (each stream paused that long after every chunk), so its pipes fill up as behind a busy reader.
 *
 * @example
 * ```ts
 * const { out, code } = await runNode(['-e', 'console.log(1)'], process.cwd(), 5_000);
 * ```
 */
export function runNode(
  args: readonly string[],
  cwd: string,
  limitMs: number,
  pauseMs = 0,
): Promise<NodeRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    for (const [stream, into] of [
      [child.stdout, out],
      [child.stderr, err],
    ] as const) {
      stream.on('data', (d: Buffer) => {
        into.push(d);
        if (pauseMs <= 0) return;
        stream.pause();
        setTimeout(() => stream.resume(), pauseMs);
      });
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const text = (chunks: Buffer[]): string => Buffer.concat(chunks).toString('utf8');
      resolve({ code, signal, out: text(out), err: text(err), timedOut });
    });
  });
}
