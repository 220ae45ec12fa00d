/**
 * The fallback parent-death guard of a child process (a `fork` child, a pool worker process): where the
 * parent could not give the child a kernel parent-death signal (no `setpriv`, see driver-kit's
 * parent-death), a task stuck in synchronous code never lets the child's main thread see the parent go
 * away. A tiny thread watches the parent pid instead and kills the whole process when it changes. It
 * never keeps the process alive.
 */

const WATCHDOG_SOURCE = `const { workerData } = require('node:worker_threads');
setInterval(() => {
  if (process.ppid !== workerData.parent) process.kill(process.pid, 'SIGKILL');
}, workerData.everyMs);`;

/**
 * Starts the watchdog thread; resolves once it is started (errors are ignored: the IPC channel's
 * `disconnect` still ends a child whose event loop turns).
 *
 * @example
 * ```ts
 * await startParentWatchdog(500); // SIGKILLs this process within ~500 ms of its parent's death
 * ```
 */
export function startParentWatchdog(everyMs: number): Promise<void> {
  return import('node:worker_threads').then(
    ({ Worker }) => {
      const worker = new Worker(WATCHDOG_SOURCE, {
        eval: true,
        execArgv: [],
        workerData: { parent: process.ppid, everyMs },
        resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
      });
      worker.unref();
      worker.on('error', () => {});
    },
    () => {},
  );
}
