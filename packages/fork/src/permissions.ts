/**
 * The fork driver's `permissions` option: Node's permission model for each child. The implementation is
 * core's driver-kit (shared with the process pool); this file keeps the fork names.
 *
 * Defence in depth, not a sandbox: Node calls the model a seat belt, and it has had bypasses (symlinks,
 * path traversal, `process.binding`). Hostile code belongs in a container or a VM (docs/security.md).
 */
import type { ResolvedWorkerPermissions, WorkerPermissions } from '@isolane/core/driver-kit';

export { checkPermissions, permissionFlag, permissionFlags } from '@isolane/core/driver-kit';

/**
 * What a child may do beyond reading what its task needs (core's `WorkerPermissions`).
 *
 * @example
 * ```ts
 * const permissions: ForkPermissions = { fsRead: ['/srv/data/'], fsWrite: ['/tmp/out/'] };
 * ```
 */
export type ForkPermissions = WorkerPermissions;

/**
 * `permissions` after validation (core's `ResolvedWorkerPermissions`).
 *
 * @example
 * ```ts
 * const resolved: ResolvedForkPermissions = new ForkDriver({ permissions: true }).options.permissions!;
 * ```
 */
export type ResolvedForkPermissions = ResolvedWorkerPermissions;
