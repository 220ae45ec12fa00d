/**
 * Starts one pool worker of the pool's runtime: a worker thread, or a worker process with the process
 * options (and, with `permissions`, the grants covering every task module the pool has seen).
 */
import type { ResolvedPoolOptions } from './options.js';
import { PoolWorker } from './pool-worker.js';
import type { PoolGrants } from './process-grants.js';
import { ProcessWorker } from './process-worker.js';
import type { WorkerEvents, WorkerState } from './worker-state.js';

/**
 * A new worker for a pool with options `o`.
 *
 * @example
 * ```ts
 * workers.push(spawnWorker(options, { keepAlive: true, preload: specs.recentModules() }, grants, events));
 * ```
 */
export function spawnWorker(
  o: ResolvedPoolOptions,
  start: { readonly keepAlive: boolean; readonly preload: readonly string[] },
  grants: PoolGrants | undefined,
  events: WorkerEvents,
): WorkerState {
  const spawn = {
    bootstrap: o.bootstrap,
    memoryLimitMb: o.memoryLimitMb,
    maxHeapMb: o.maxHeapMb,
    maxResultMb: o.maxResultMb,
    keepAlive: start.keepAlive,
    preload: start.preload,
    env: o.env,
  };
  if (o.runtime !== 'process') return new PoolWorker(spawn, events);
  return new ProcessWorker(
    {
      ...spawn,
      cwd: o.cwd,
      execArgv: o.execArgv,
      stdio: o.stdio,
      onOutput: o.onOutput,
      watchdog: o.watchdog,
      grants: grants?.grants,
      maxRssMb: o.maxRssMb,
      granted: grants?.modules ?? [],
    },
    events,
  );
}
