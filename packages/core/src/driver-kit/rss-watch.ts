/**
 * A limit on memory outside the V8 heap, where the model can see it: the resident set (RSS) of a worker
 * process (`fork`, pool `runtime: 'process'`), sampled by the parent from `/proc/<pid>/status` — so a
 * task stuck in synchronous code cannot delay it. ArrayBuffers, Buffers and native allocations count
 * there; `memoryLimitMb` (V8's heap limit) does not see them. Where `/proc` is missing (not Linux) the
 * sample is undefined and the limit is not enforced. A worker thread has no RSS of its own (it shares
 * the host's), so this cannot apply to threads.
 */
import { readFileSync } from 'node:fs';
import { makeFailure, type TaskFailure } from '../failure.js';

/** How often (ms) a watched process's RSS is read. */
export const RSS_SAMPLE_MS = 100;

/**
 * The resident set of process `pid` in bytes, from `/proc/<pid>/status` (`VmRSS`); undefined when it
 * cannot be read (no /proc, the process is gone).
 *
 * @example
 * ```ts
 * processRssBytes(process.pid); // 61_440_000
 * ```
 */
export function processRssBytes(pid: number): number | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch {
    return undefined;
  }
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return match ? Number(match[1]) * 1024 : undefined;
}

/**
 * Samples the RSS of `pid` every {@link RSS_SAMPLE_MS} ms and calls `onOver` with the figure when it is
 * over `maxRssMb` — once, unless `onOver` returns `false` (nothing to stop now: keep watching). The timer
 * never keeps the parent alive; `stop()` ends it.
 *
 * @example
 * ```ts
 * const watch = watchRss(child.pid, 256, (bytes) => task.abort(rssLimitFailure(bytes, 256, 'child process')));
 * // … when the task settles:
 * watch.stop();
 * ```
 */
export function watchRss(
  pid: number,
  maxRssMb: number,
  onOver: (rssBytes: number) => unknown,
): { stop(): void } {
  const limit = maxRssMb * 1024 * 1024;
  const timer = setInterval(() => {
    const rss = processRssBytes(pid);
    if (rss === undefined || rss <= limit) return;
    if (onOver(rss) !== false) clearInterval(timer);
  }, RSS_SAMPLE_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/**
 * The failure of a task whose worker process went over `maxRssMb` (kind `oom`).
 *
 * @example
 * ```ts
 * rssLimitFailure(300 * 1024 * 1024, 256, 'child process').message;
 * // "the task's child process used 300 MiB of memory (RSS), over maxRssMb (256); it was killed"
 * ```
 */
export function rssLimitFailure(rssBytes: number, maxRssMb: number, worker: string): TaskFailure {
  const mb = Math.round(rssBytes / (1024 * 1024));
  return makeFailure(
    'oom',
    `the task's ${worker} used ${mb} MiB of memory (RSS), over maxRssMb (${maxRssMb}); it was killed`,
    { name: 'OutOfMemoryError', code: 'ERR_ISOLANE_RSS_LIMIT' },
  );
}
