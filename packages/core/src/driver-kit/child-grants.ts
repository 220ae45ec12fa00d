/**
 * What the `permissions` option means for each worker process a driver starts (`fork`'s children, the
 * process pool's workers): the Node flags (reads of what its tasks need, the grants asked for, a worker
 * for the parent-death watchdog thread), which started process may take a task (one that may read its
 * module: a process's grants are fixed when it starts), and a warning when inherited loader flags (tsx)
 * need a worker the model would deny.
 */
import { fileURLToPath } from 'node:url';
import type { Job } from '../driver.js';
import { baseReads, isReadable, moduleReads } from './permission-reads.js';
import { permissionFlags, type ResolvedWorkerPermissions } from './permissions.js';
import { loaderSpecifiers } from './worker-flags.js';

/**
 * The flags a process starts with, and what it may read (to match tasks to started processes).
 *
 * @example
 * ```ts
 * const { flags, reads }: ChildLaunch = grants.launch(['file:///app/tasks.js'], false);
 * ```
 */
export interface ChildLaunch {
  readonly flags: readonly string[];
  readonly reads: readonly string[] | '*';
}

/**
 * Who the grants are for.
 *
 * @example
 * ```ts
 * const owner: GrantsOwner = { driver: 'fork', entryRoot: fileURLToPath(new URL('..', import.meta.url)) };
 * ```
 */
export interface GrantsOwner {
  /** The driver's name, for warnings: `'fork'`, `'pool'`. */
  readonly driver: string;
  /** The driver's package folder (ending in a separator): holds the entry each process runs. */
  readonly entryRoot: string;
  /** The processes' working directory (its `node_modules` are readable). Default: this process's. */
  readonly cwd?: string | undefined;
}

/**
 * The permission grants of one driver's worker processes.
 *
 * @example
 * ```ts
 * const grants = new ChildGrants(checkPermissions(true, 'p')!, bootstrapHref, nodeFlags, owner);
 * const { flags, reads } = grants.launch(['file:///app/tasks.js'], false);
 * ```
 */
export class ChildGrants {
  readonly #permissions: ResolvedWorkerPermissions;
  /** What every process may read: the entry, core, node_modules, the bootstrap. */
  readonly #base: readonly string[];

  constructor(
    permissions: ResolvedWorkerPermissions,
    bootstrap: string | undefined,
    nodeFlags: readonly string[],
    owner: GrantsOwner,
  ) {
    this.#permissions = permissions;
    this.#base = [
      ...baseReads(owner.entryRoot, owner.cwd),
      ...(bootstrap !== undefined ? moduleReads(bootstrap) : []),
    ];
    const loaders = loaderSpecifiers(nodeFlags);
    if (!permissions.worker && loaders.length > 0) {
      // Node runs module loader hooks (tsx's among them) in a worker thread, which the model denies.
      const name = owner.driver;
      process.emitWarning(
        `${name} permissions: worker processes inherit the loader flags of this process (${loaders.join(', ')}); ` +
          'Node runs loader hooks and tsx its transforms in a worker thread, which the permission model ' +
          'denies unless permissions.worker is true (tsx on Node 20 also needs childProcess: true, and ' +
          'TSX_DISABLE_CACHE=1 or fsWrite for its cache). Compiling task modules to JavaScript avoids all three.',
        { type: 'IsolaneWarning', code: `ISOLANE_${name.toUpperCase()}_PERMISSIONS_LOADER` },
      );
    }
  }

  /**
   * Flags and reads for a process that will run tasks of `modules` (its task's, and those it warms).
   * `watchdogThread`: the process's parent-death watchdog is a worker thread (no `setpriv`).
   */
  launch(modules: readonly string[], watchdogThread: boolean): ChildLaunch {
    const p = this.#permissions;
    const granted = [...this.#base, ...modules.flatMap(moduleReads)];
    const watchdog = watchdogThread && !p.worker ? ['--allow-worker'] : [];
    return {
      flags: [...permissionFlags(p, granted), ...watchdog],
      reads: p.fsRead === '*' ? '*' : [...granted, ...p.fsRead],
    };
  }

  /**
   * Whether a process that may read `reads` can run `task`: an inline task always, a module task only
   * when its file is readable (a denied read would fail the task with ERR_ACCESS_DENIED).
   */
  static canRun(reads: readonly string[] | '*' | undefined, task: Job['task']): boolean {
    if (reads === undefined || task.kind !== 'module' || !task.module.startsWith('file:')) return true;
    return isReadable(fileURLToPath(task.module), reads);
  }

  /**
   * Which of the idle processes (by what they may read) can run this task: a process's permissions are
   * fixed when it starts, so only one that may read the task's module; -1 when none may.
   */
  static pick(
    idle: readonly { readonly reads: readonly string[] | '*' | undefined }[],
    task: Job['task'],
  ): number {
    return idle.findIndex((c) => ChildGrants.canRun(c.reads, task));
  }
}
