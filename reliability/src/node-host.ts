/**
 * A fresh Node process running a small ESM script (a host of its own: the script that ends, the host
 * started with a heap flag), with what it printed and how it ended; past its time limit it is killed.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** How a host script ended. */
export interface HostRun {
  readonly code: number | null;
  readonly signal: string | null;
  readonly out: string;
  readonly err: string;
  /** True when it was killed for running past its limit. */
  readonly timedOut: boolean;
}

/** This package's directory, where `@isolane/*` imports of a host script resolve. */
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs `source` as an ES module in a new Node process (cwd: this package), with `env` added to this
 * process's environment, killing it after `limitMs`.
 *
 * @example
 * ```ts
 * const run = await runHost('console.log(1)', { NODE_OPTIONS: '--max-old-space-size=2048' }, 30_000);
 * run.out; // '1\n'
 * ```
 */
export function runHost(
  source: string,
  env: Readonly<Record<string, string>>,
  limitMs: number,
): Promise<HostRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', source], {
      cwd: PACKAGE_DIR,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        out: Buffer.concat(out).toString('utf8'),
        err: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
  });
}

/**
 * A module specifier for a file of this package's `dist`, for a host script's `import`.
 *
 * @example
 * ```ts
 * const source = `import { createVariantDriver } from '${distModule('drivers.js')}';`;
 * ```
 */
export function distModule(file: string): string {
  return new URL(file, import.meta.url).href;
}
