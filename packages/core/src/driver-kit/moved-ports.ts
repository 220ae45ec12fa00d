/**
 * `transfer(port)` moves a MessagePort to the task. A port belongs to this process: drivers whose tasks
 * run in other processes (`fork`, `pool` with `runtime: 'process'`, `queue`) cannot move one, and say so
 * by name instead of failing on a serializer's dump of the port.
 */
import { MessagePort } from 'node:worker_threads';
import type { Job } from '../driver.js';
import { makeFailure, type TaskFailure } from '../failure.js';

function isPort(item: unknown): item is MessagePort {
  return item instanceof MessagePort;
}

/**
 * The failure of a job that moves a MessagePort to `driver`, whose tasks run in other processes, or
 * `undefined` when the job moves none. The refused ports (already moved out of the caller's hands by
 * `go()`) are closed, so nothing is left open for a task that will never run.
 *
 * @example
 * ```ts
 * const refused = refuseMovedPorts(job, 'fork');
 * if (refused) return sink.settle({ ok: false, error: refused, ms: 0 });
 * ```
 */
export function refuseMovedPorts(job: Pick<Job, 'transfer'>, driver: string): TaskFailure | undefined {
  const list = job.transfer;
  if (list === undefined || !list.some(isPort)) return undefined;
  for (const item of list) if (isPort(item)) item.close();
  return makeFailure(
    'unserializable',
    `the ${driver} driver cannot move a MessagePort (transfer(port)): its tasks run in another process, and a port belongs to this one. Move ports with the thread, pool (runtime 'thread') or cooperative driver; here, pass data instead`,
    { name: 'DataCloneError' },
  );
}
