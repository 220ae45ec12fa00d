/**
 * Starts the server in a child process for a load run, so the load generator never shares an event
 * loop (or a stall) with the server it measures. Reads the URL from the server's first line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { DriverName } from '@isolane/core';

/** A server child process. */
export interface ServerProcess {
  readonly url: URL;
  readonly child: ChildProcess;
  /** SIGTERM (clean shutdown), SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

const SERVE = fileURLToPath(new URL('../serve.js', import.meta.url));

/**
 * Spawns `serve.js --driver <driver> --port 0` and waits for its URL.
 *
 * @example
 * ```ts
 * const server = await startServerProcess('pool');
 * await fetch(new URL('/health', server.url));
 * await server.stop();
 * ```
 */
export async function startServerProcess(
  driver: DriverName,
  extraArgs: readonly string[] = [],
  startupMs = 20_000,
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [SERVE, '--driver', driver, '--port', '0', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ISOLANE_DRIVER: '' },
  });
  const exited = once(child, 'exit');
  const stop = async (graceMs = 10_000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  try {
    const url = await new Promise<URL>((resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(
        () => reject(new Error(`the ${driver} server did not start in ${startupMs} ms`)),
        startupMs,
      );
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (chunk: string) => {
        buffered += chunk;
        const match = /listening on (\S+)/.exec(buffered);
        if (match) {
          clearTimeout(timer);
          resolve(new URL(match[1]!));
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the ${driver} server exited before listening (code ${code}, signal ${signal})`));
      });
    });
    child.stdout!.resume(); // keep draining its later lines
    return { url, child, stop };
  } catch (err) {
    await stop(1_000);
    throw err;
  }
}
