/**
 * The `permissions` option of the drivers that start Node processes (`fork`, the `pool` with
 * `runtime: 'process'`): Node's permission model for each process (`--permission` from Node 22.13 /
 * 23.5, `--experimental-permission` before; Node 24 rejects the old spelling). When it is on, a process
 * may read only what running its tasks needs — the driver's entry, core, the `node_modules` folders on
 * the way up, the bootstrap and the task modules (permission-reads.ts) — plus the paths listed in
 * `fsRead`; it may write nowhere, start no process or worker and load no addon unless allowed. A denied
 * access throws an error with `code: 'ERR_ACCESS_DENIED'`, which the slot's failure keeps.
 *
 * Defence in depth, not a sandbox: Node calls the model a seat belt, and it has had bypasses (symlinks,
 * path traversal, `process.binding`). Hostile code belongs in a container or a VM (docs/security.md).
 */

import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeValue } from './describe-value.js';

/**
 * What a worker process may do beyond reading what its tasks need.
 *
 * @example
 * ```ts
 * const permissions: WorkerPermissions = { fsRead: ['/srv/data/'], fsWrite: ['/tmp/out/'] };
 * ```
 */
export interface WorkerPermissions {
  /** More paths the child may read: files, or folders (their whole tree). `'*'`: everything. */
  readonly fsRead?: readonly string[] | '*';
  /** Paths the child may write (files or folders). `'*'`: everywhere. Default: none. */
  readonly fsWrite?: readonly string[] | '*';
  /** Allow `child_process` (`--allow-child-process`). Default false. */
  readonly childProcess?: boolean;
  /** Allow worker threads (`--allow-worker`). Default false. */
  readonly worker?: boolean;
  /** Allow native addons (`--allow-addons`). Default false. */
  readonly addons?: boolean;
  /**
   * Allow network access (`--allow-net`). Only Node 25 and later restrict the network under the model;
   * on older Node this is accepted and changes nothing. Default false.
   */
  readonly net?: boolean;
}

/**
 * `permissions` after validation.
 *
 * @example
 * ```ts
 * const resolved: ResolvedWorkerPermissions = checkPermissions(true, 'options.permissions')!;
 * ```
 */
export interface ResolvedWorkerPermissions {
  readonly fsRead: readonly string[] | '*';
  readonly fsWrite: readonly string[] | '*';
  readonly childProcess: boolean;
  readonly worker: boolean;
  readonly addons: boolean;
  readonly net: boolean;
}

const KEYS = ['fsRead', 'fsWrite', 'childProcess', 'worker', 'addons', 'net'] as const;

/**
 * Validates `permissions`: `false`/undefined (off), `true` (least privilege) or a {@link WorkerPermissions}.
 *
 * @example
 * ```ts
 * checkPermissions(true, 'options.permissions'); // { fsRead: [], fsWrite: [], childProcess: false, ... }
 * checkPermissions({ fsRead: ['rel'] }, 'options.permissions'); // TypeError: ... must be absolute paths
 * ```
 */
export function checkPermissions(value: unknown, label: string): ResolvedWorkerPermissions | undefined {
  if (value === undefined || value === false) return undefined;
  const none = { fsRead: [], fsWrite: [], childProcess: false, worker: false, addons: false, net: false };
  if (value === true) return none;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(
      `${label} must be true, false or an object { fsRead, fsWrite, childProcess, worker, addons, net }, got ${describeValue(value)}`,
    );
  }
  const input = value as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new TypeError(`unknown option ${label}.${key} (known: ${KEYS.join(', ')})`);
    }
  }
  for (const key of ['childProcess', 'worker', 'addons', 'net'] as const) {
    if (input[key] !== undefined && typeof input[key] !== 'boolean') {
      throw new TypeError(`${label}.${key} must be a boolean, got ${describeValue(input[key])}`);
    }
  }
  if (input.addons === true && !supportsAddonFlag()) {
    throw new RangeError(`${label}.addons needs a Node with --allow-addons, this is ${process.version}`);
  }
  return {
    fsRead: paths(input.fsRead, `${label}.fsRead`),
    fsWrite: paths(input.fsWrite, `${label}.fsWrite`),
    childProcess: input.childProcess === true,
    worker: input.worker === true,
    addons: input.addons === true,
    net: input.net === true,
  };
}

function paths(value: unknown, label: string): readonly string[] | '*' {
  if (value === undefined) return [];
  if (value === '*') return '*';
  if (!Array.isArray(value)) {
    throw new TypeError(`${label} must be an array of absolute paths or '*', got ${describeValue(value)}`);
  }
  return Object.freeze(
    value.map((p, i) => {
      const path = typeof p === 'string' && p.startsWith('file:') ? fileURLToPath(p) : p;
      if (typeof path !== 'string' || !isAbsolute(path) || path.includes('\0') || path.includes(',')) {
        throw new TypeError(
          `${label}[${i}] must be an absolute path (or file: URL) without a comma, got ${describeValue(p)}`,
        );
      }
      return path;
    }),
  );
}

/**
 * The flag that turns the permission model on for this Node, or undefined where there is none.
 *
 * @example
 * ```ts
 * permissionFlag('20.20.2'); // '--experimental-permission'
 * permissionFlag('24.1.0');  // '--permission'
 * ```
 */
export function permissionFlag(version: string = process.versions.node): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major >= 24 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13)) return '--permission';
  if (major >= 20) return '--experimental-permission';
  return undefined;
}

function supportsAddonFlag(): boolean {
  return process.allowedNodeEnvironmentFlags.has('--allow-addons');
}

/**
 * The Node flags for a worker process: the model's switch, one `--allow-fs-read` per readable path (folders end
 * with a separator so they grant their tree), and the allow flags asked for.
 *
 * @example
 * ```ts
 * permissionFlags(checkPermissions(true, 'p')!, ['/app/node_modules/']);
 * // ['--permission', '--allow-fs-read=/app/node_modules/']
 * ```
 */
export function permissionFlags(
  permissions: ResolvedWorkerPermissions,
  reads: readonly string[],
  version: string = process.versions.node,
): string[] {
  const flag = permissionFlag(version);
  if (flag === undefined) throw new RangeError(`permissions need Node >= 20, this is v${version}`);
  const flags = [flag];
  if (permissions.fsRead === '*') flags.push('--allow-fs-read=*');
  else for (const path of new Set([...reads, ...permissions.fsRead])) flags.push(`--allow-fs-read=${path}`);
  if (permissions.fsWrite === '*') flags.push('--allow-fs-write=*');
  else for (const path of permissions.fsWrite) flags.push(`--allow-fs-write=${path}`);
  if (permissions.childProcess) flags.push('--allow-child-process');
  if (permissions.worker) flags.push('--allow-worker');
  if (permissions.addons) flags.push('--allow-addons');
  if (permissions.net && process.allowedNodeEnvironmentFlags.has('--allow-net')) flags.push('--allow-net');
  return flags;
}
