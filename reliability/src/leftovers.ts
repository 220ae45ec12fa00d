/**
 * What a closed driver must not leave behind: threads of this process and child processes. The scripts
 * and tests compare against a baseline taken before the driver started.
 */
import { childPids, countThreads, eventually } from '@isolane/core/os-probes';

/** Threads and child processes of this process at one moment. */
export interface ProcessCensus {
  readonly threads: number;
  readonly children: readonly number[];
}

/**
 * Counts this process's OS threads and live child processes.
 *
 * @example
 * ```ts
 * const before = census();
 * ```
 */
export function census(): ProcessCensus {
  return { threads: countThreads() ?? 0, children: childPids() };
}

/**
 * Waits (up to `graceMs`, because an exiting thread takes a moment to vanish) until the threads and
 * children are back to `baseline`; returns a description of what is left, or undefined when nothing is.
 *
 * @example
 * ```ts
 * const left = await leftoversSince(before, 1_000);
 * if (left) throw new Error(left);
 * ```
 */
export async function leftoversSince(baseline: ProcessCensus, graceMs: number): Promise<string | undefined> {
  const clean = () => {
    const now = census();
    return now.threads <= baseline.threads && now.children.every((pid) => baseline.children.includes(pid));
  };
  if (await eventually(clean, graceMs, 20)) return undefined;
  const now = census();
  const extra = now.children.filter((pid) => !baseline.children.includes(pid));
  return `left after close(): threads ${baseline.threads} -> ${now.threads}, extra child processes [${extra.join(', ')}]`;
}

/**
 * Starts libuv's thread pool (it grows on first use and stays), so it is not mistaken for a leak.
 *
 * @example
 * ```ts
 * await warmThreadPool();
 * ```
 */
export async function warmThreadPool(): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const self = new URL(import.meta.url);
  await Promise.all(Array.from({ length: 8 }, () => readFile(self)));
}
