/**
 * What the `permissions` option means for each child the fork driver starts: the Node flags (reads of
 * what the task needs, the grants asked for, a worker for the parent-death watchdog thread), which
 * prespawned child may take a task (one that may read its module), and a warning when inherited loader
 * flags (tsx) need a worker the model would deny.
 */
import { fileURLToPath } from 'node:url';
import type { Job } from '@isolane/core';
import { loaderSpecifiers } from '@isolane/core/driver-kit';
import {
  baseReads,
  isReadable,
  moduleReads,
  permissionFlags,
  type ResolvedForkPermissions,
} from './permissions.js';

/** The flags a child starts with, and what it may read (to match tasks to prespawned children). */
export interface ChildLaunch {
  readonly flags: readonly string[];
  readonly reads: readonly string[] | '*';
}

/**
 * The permission grants of one fork driver's children.
 *
 * @example
 * ```ts
 * const grants = new ChildGrants(checkPermissions(true, 'p')!, bootstrapHref, nodeFlags);
 * const { flags, reads } = grants.launch(['file:///app/tasks.js'], false);
 * ```
 */
export class ChildGrants {
  readonly #permissions: ResolvedForkPermissions;
  /** What every child may read: the entry, core, node_modules, the bootstrap. */
  readonly #base: readonly string[];

  constructor(
    permissions: ResolvedForkPermissions,
    bootstrap: string | undefined,
    nodeFlags: readonly string[],
  ) {
    this.#permissions = permissions;
    this.#base = [...baseReads(), ...(bootstrap !== undefined ? moduleReads(bootstrap) : [])];
    const loaders = loaderSpecifiers(nodeFlags);
    if (!permissions.worker && loaders.length > 0) {
      // Node runs module loader hooks (tsx's among them) in a worker thread, which the model denies.
      process.emitWarning(
        `fork permissions: children inherit the loader flags of this process (${loaders.join(', ')}); ` +
          'Node runs loader hooks and tsx its transforms in a worker thread, which the permission model ' +
          'denies unless permissions.worker is true (tsx on Node 20 also needs childProcess: true, and ' +
          'TSX_DISABLE_CACHE=1 or fsWrite for its cache). Compiling task modules to JavaScript avoids all three.',
        { type: 'IsolaneWarning', code: 'ISOLANE_FORK_PERMISSIONS_LOADER' },
      );
    }
  }

  /**
   * Flags and reads for a child that will run tasks of `modules` (its task's, and those it warms).
   * `watchdogThread`: the child's parent-death watchdog is a worker thread (no `setpriv`).
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
   * Which of the idle children (by what they may read) can run this task: a child's permissions are
   * fixed when it starts, so only one that may read the task's module; -1 when none may.
   */
  static pick(
    idle: readonly { readonly reads: readonly string[] | '*' | undefined }[],
    task: Job['task'],
  ): number {
    if (task.kind !== 'module' || !task.module.startsWith('file:')) return idle.length > 0 ? 0 : -1;
    const path = fileURLToPath(task.module);
    return idle.findIndex((c) => c.reads === undefined || isReadable(path, c.reads));
  }
}
