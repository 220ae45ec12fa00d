/**
 * isolane-worker processes for the tests: started from the built CLI with a unique marker in their
 * environment (inherited by everything they start), so a test can prove none is left behind.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type LocalWorker, startLocalWorker, WORKER_CLI } from '../../src/testing/index.js';

/** The built worker CLI. */
export { WORKER_CLI };

/** The monorepo root: module tasks (core's conformance fixtures included) live under it. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** A unique marker for this test file's processes. */
export const MARKER = `isolane-queue-test-${randomUUID()}`;

/** A started worker. */
export type TestWorker = LocalWorker;

/**
 * Starts `isolane-worker` (marked with {@link MARKER}) and waits for its ready line.
 *
 * @example
 * ```ts
 * const w = await startWorker(['--redis', redis.url, '--queue', 'q', '--root', REPO_ROOT]);
 * ```
 */
export function startWorker(
  args: readonly string[],
  readyMs = 60_000,
  nodeArgs: readonly string[] = [],
): Promise<TestWorker> {
  return startLocalWorker({ args, readyMs, nodeArgs, env: { ISOLANE_QUEUE_TEST_MARKER: MARKER } });
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
