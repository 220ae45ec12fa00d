/**
 * The `permissions` option of the process pool: every worker process starts under Node's permission
 * model with read grants for the pool's entry, core, `node_modules`, the bootstrap and every task module
 * the pool has seen so far. A worker's grants are fixed when it starts, and a warm worker loads the
 * modules it has seen, so a task of a module a worker may not read must not reach it (its import would
 * fail the task with ERR_ACCESS_DENIED): when a new module shows up, the workers that may not read it
 * are retired — they finish what they hold and are replaced by workers granted it. Workers that may
 * read it already (an `fsRead` folder holding it, `fsRead: '*'`) stay.
 */
import { fileURLToPath } from 'node:url';
import type { TaskSpec } from '@isolane/core/driver-kit';
import { ChildGrants, inheritedFlags, type ResolvedWorkerPermissions } from '@isolane/core/driver-kit';
import { ProcessWorker } from './process-worker.js';
import type { WorkerState } from './worker-state.js';

/** This package's folder (the worker entry is in its dist): every worker process may read it. */
const POOL_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The grants of one process pool's workers, and the task modules they cover.
 *
 * @example
 * ```ts
 * const grants = new PoolGrants(checkPermissions(true, 'options.permissions')!, { bootstrap, cwd, execArgv });
 * for (const w of grants.see(spec, workers)) retire(w);
 * ```
 */
export class PoolGrants {
  readonly grants: ChildGrants;
  /** Every task module seen (file: URLs), which each new worker may read. */
  readonly #modules: string[] = [];

  constructor(
    permissions: ResolvedWorkerPermissions,
    o: {
      readonly bootstrap: string | undefined;
      readonly cwd: string | undefined;
      readonly execArgv: readonly string[];
    },
  ) {
    const flags = [...inheritedFlags(process.execArgv, []), ...o.execArgv];
    this.grants = new ChildGrants(permissions, o.bootstrap, flags, {
      driver: 'pool',
      entryRoot: POOL_ROOT,
      cwd: o.cwd,
    });
  }

  /** The task modules a worker started now may read. */
  get modules(): readonly string[] {
    return this.#modules.slice();
  }

  /**
   * Records the module of a task spec seen for the first time; returns the live workers that may not
   * read it (to be retired: they must not be given it).
   */
  see(spec: TaskSpec, workers: readonly WorkerState[]): WorkerState[] {
    if (spec.kind !== 'module' || this.#modules.includes(spec.module)) return [];
    this.#modules.push(spec.module);
    return workers.filter(
      (w) =>
        w instanceof ProcessWorker &&
        !w.dead &&
        !w.dying &&
        !w.retiring &&
        !ChildGrants.canRun(w.reads, spec),
    );
  }
}
