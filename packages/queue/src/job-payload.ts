/**
 * The producer side of a job's wire form: a `go()` becomes the payload a worker reads (task by
 * root-relative path, arguments as a structured-clone snapshot, the group's per-job settings), or the
 * failure that settles its slot at once (a module outside the root, a refused bootstrap, moved ports,
 * arguments that cannot be sent) — before anything reaches Redis.
 */
import {
  checkBootstrapTimeout,
  checkMemoryLimit,
  checkModuleHref,
  type DriverSettings,
  type Job,
  makeFailure,
  refuseMovedPorts,
  type TaskFailure,
} from '@isolane/core/driver-kit';
import { encode, type JobPayload, toRootPath, wireTask } from './wire.js';

/** The driver's settings every payload carries. */
export interface PayloadSettings {
  /** The producer's root (module tasks are named relative to it). */
  readonly root: string;
  /** The bootstrap's root-relative path, or why it cannot be named so. */
  readonly bootstrap: { readonly path?: string; readonly refused?: string };
  readonly memoryLimitMb: number | undefined;
  /** `null` on the wire is Infinity (JSON has no Infinity). */
  readonly bootstrapTimeout: number | null | undefined;
}

/**
 * The payload settings of a driver, from its settings (each checked, naming the option).
 *
 * @example
 * ```ts
 * payloadSettings({ concurrency: 4, memoryLimitMb: 256 }, '/srv/app'); // { root: '/srv/app', bootstrap: {}, memoryLimitMb: 256, ... }
 * ```
 */
export function payloadSettings(settings: DriverSettings, root: string): PayloadSettings {
  const memoryLimitMb =
    settings.memoryLimitMb === undefined
      ? undefined
      : checkMemoryLimit(settings.memoryLimitMb, 'queue driver: "memoryLimitMb"');
  const bootstrapTimeout =
    settings.bootstrapTimeout === undefined
      ? undefined
      : checkBootstrapTimeout(settings.bootstrapTimeout, 'queue driver: "bootstrapTimeout"');
  let bootstrap: PayloadSettings['bootstrap'] = {};
  if (settings.bootstrap !== undefined) {
    const href = checkModuleHref(settings.bootstrap, 'queue driver: "bootstrap"');
    const at = toRootPath(href, root);
    bootstrap = 'path' in at ? { path: at.path } : { refused: at.refused };
  }
  return {
    root,
    bootstrap,
    memoryLimitMb,
    bootstrapTimeout: bootstrapTimeout === Number.POSITIVE_INFINITY ? null : bootstrapTimeout,
  };
}

/**
 * The payload of one job, or the failure of its slot.
 *
 * @example
 * ```ts
 * const made = jobPayload(job, { root: '/srv/app', bootstrap: {}, memoryLimitMb: undefined, bootstrapTimeout: undefined });
 * if ('failure' in made) sink.settle({ ok: false, error: made.failure, ms: 0 });
 * ```
 */
export function jobPayload(
  job: Job,
  settings: PayloadSettings,
): { readonly payload: JobPayload } | { readonly failure: TaskFailure } {
  if (settings.bootstrap.refused) {
    return {
      failure: makeFailure('bootstrap', settings.bootstrap.refused, { code: 'ISOLANE_OUTSIDE_ROOT' }),
    };
  }
  const task = wireTask(job.task, settings.root);
  if ('refused' in task) {
    return {
      failure: makeFailure('threw', task.refused, { name: 'SpawnError', code: 'ISOLANE_OUTSIDE_ROOT' }),
    };
  }
  const refused = refuseMovedPorts(job, 'queue');
  if (refused !== undefined) return { failure: refused };
  let args: string;
  try {
    args = encode(job.args);
    // transfer() promises a move: the caller's buffers are detached once the job holds its copy.
    if (job.transfer && job.transfer.length > 0) structuredClone(null, { transfer: [...job.transfer] });
  } catch (err) {
    return {
      failure: makeFailure('unserializable', `the arguments cannot be sent: ${(err as Error).message}`),
    };
  }
  return {
    payload: {
      v: 1,
      task: task.task,
      args,
      ...(job.timeout !== undefined ? { timeout: job.timeout } : {}),
      ...(settings.bootstrap.path !== undefined ? { bootstrap: settings.bootstrap.path } : {}),
      ...(settings.memoryLimitMb !== undefined ? { memoryLimitMb: settings.memoryLimitMb } : {}),
      ...(settings.bootstrapTimeout !== undefined ? { bootstrapTimeout: settings.bootstrapTimeout } : {}),
    },
  };
}
