/**
 * `isolane-worker` processes on this machine, for tests and benches: started from the built CLI (killed
 * with their parent where the system allows it), awaited until they print their ready line, and stopped
 * gracefully with a bounded fallback to SIGKILL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { killedWithParent } from './private-redis.js';

/**
 * The built worker CLI (`dist/cli.js`); this module sits two folders below the package root both as
 * source and built.
 */
export const WORKER_CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** How to start one worker. */
export interface LocalWorkerOptions {
  /** The CLI's arguments (`--redis`, `--queue`, `--root`, `--concurrency`, ...). */
  readonly args: readonly string[];
  /** Node flags placed before the CLI. */
  readonly nodeArgs?: readonly string[];
  /** Variables added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** How long to wait for the ready line, ms (default 60,000). */
  readonly readyMs?: number;
}

/** A started worker. */
export interface LocalWorker {
  readonly child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with the exit code/signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `isolane-worker` and waits for its ready line (rejects, with what it printed, when it exits
 * first or is not ready in time).
 *
 * @example
 * ```ts
 * const w = await startLocalWorker({ args: ['--redis', redis.url, '--queue', 'q', '--root', root] });
 * await w.stop();
 * ```
 */
export async function startLocalWorker(options: LocalWorkerOptions): Promise<LocalWorker> {
  const readyMs = options.readyMs ?? 60_000;
  const [command, argv] = killedWithParent(process.execPath, [
    ...(options.nodeArgs ?? []),
    WORKER_CLI,
    ...options.args,
  ]);
  const child = spawn(command, argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d) => {
    out += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const worker: LocalWorker = {
    child,
    output: () => out,
    exited,
    async stop(graceMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + readyMs;
  while (!out.includes('isolane-worker ready')) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`isolane-worker exited before ready:\n${out}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`isolane-worker not ready within ${readyMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return worker;
}
