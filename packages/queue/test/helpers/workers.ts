/**
 * isolane-worker processes for the tests: started from the built CLI with a unique marker in their
 * environment (inherited by everything they start), so a test can prove none is left behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built worker CLI. */
export const WORKER_CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** The monorepo root: module tasks (core's conformance fixtures included) live under it. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** A unique marker for this test file's processes. */
export const MARKER = `isolane-queue-test-${randomUUID()}`;

/** A started worker. */
export interface TestWorker {
  readonly child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with the exit code/signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `isolane-worker` and waits for its ready line.
 *
 * @example
 * ```ts
 * const w = await startWorker(['--redis', redis.url, '--queue', 'q', '--root', REPO_ROOT]);
 * ```
 */
export async function startWorker(
  args: readonly string[],
  readyMs = 60_000,
  nodeArgs: readonly string[] = [],
): Promise<TestWorker> {
  const child = spawn(process.execPath, [...nodeArgs, WORKER_CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ISOLANE_QUEUE_TEST_MARKER: MARKER },
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
  const worker: TestWorker = {
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
    if (child.exitCode !== null) throw new Error(`isolane-worker exited before ready:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`isolane-worker not ready within ${readyMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return worker;
}

/**
 * Pids of live processes whose environment carries {@link MARKER} (workers and anything they started).
 *
 * @example
 * ```ts
 * expect(markedPids()).toEqual([]);
 * ```
 */
export function markedPids(): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').includes(MARKER)) out.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

/** Waits (bounded) until no marked process is left; returns the leftovers. */
export async function noMarkedLeft(ms = 30_000): Promise<number[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = markedPids();
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A queue name unique to one test. */
export function queueName(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}
