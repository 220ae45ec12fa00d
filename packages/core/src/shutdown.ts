/**
 * Ending a process cleanly: abort every group still running (each unfinished slot settles as
 * `aborted`), then close the shared drivers so no worker thread or child process outlives the work.
 */
import { busyGroups } from './busy-groups.js';
import { killHostTreesNow } from './driver-kit/process-tree.js';
import { closeSharedDrivers } from './driver-registry.js';

/**
 * Aborts every running group and closes every shared driver of the process.
 *
 * @example
 * ```ts
 * process.on('SIGTERM', () => void shutdown().then(() => process.exit(0)));
 * ```
 */
export async function shutdown(reason: unknown = 'the process is shutting down'): Promise<void> {
  for (const group of [...busyGroups()]) group.abort(reason);
  await closeSharedDrivers();
}

let installed: { signals: readonly NodeJS.Signals[]; handler: (signal: NodeJS.Signals) => void } | undefined;

/**
 * On the first of these signals: abort every running group, close the shared drivers, then let the
 * signal take its default course (the process ends with it) unless the app listens for it too.
 * Returns a function that removes the handlers.
 *
 * @example
 * ```ts
 * shutdownOnSignals(); // SIGTERM and SIGINT: running slots settle as 'aborted', workers exit, process ends
 * ```
 */
export function shutdownOnSignals(signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): () => void {
  if (!Array.isArray(signals) || signals.some((s) => typeof s !== 'string' || !/^SIG[A-Z0-9]+$/.test(s))) {
    throw new TypeError(
      'shutdownOnSignals(signals): signals must be an array of signal names such as "SIGTERM"',
    );
  }
  uninstall();
  const handler = (signal: NodeJS.Signals): void => {
    uninstall();
    void shutdown(`received ${signal}`).finally(() => {
      // Nobody else handles it: re-raise so the process ends the way the signal means. No `exit`
      // listener runs then: what tasks started (process trees) is killed now.
      if (process.listenerCount(signal) === 0) {
        killHostTreesNow();
        process.kill(process.pid, signal);
      }
    });
  };
  for (const signal of signals) process.on(signal, handler);
  installed = { signals, handler };
  return uninstall;
}

function uninstall(): void {
  if (!installed) return;
  for (const signal of installed.signals) process.off(signal, installed.handler);
  installed = undefined;
}
