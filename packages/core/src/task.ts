/**
 * Task descriptions that every driver understands: module tasks (a named export of a module, fully typed)
 * and inline functions (source text, checked for captures at `go()` time).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { MessagePort, TransferListItem } from 'node:worker_threads';
import { SpawnError } from './errors.js';

/** What a worker needs to find a task. Plain data: it is sent to workers as is. */
export type TaskSpec =
  | { readonly kind: 'module'; readonly module: string; readonly name: string }
  | { readonly kind: 'inline'; readonly source: string };

const TASK_BRAND = Symbol.for('isolane.task');

/** A callable task that also knows where it lives (module URL + export name). */
export type ModuleTask<A extends unknown[], R> = ((...args: A) => R) & {
  readonly [TASK_BRAND]: { readonly kind: 'module'; readonly module: string; readonly name: string };
};

/**
 * Declares a module task: a named export that workers import by URL. The returned function is the same
 * function, still callable directly, with argument and return types that `go()` infers.
 *
 * @example
 * ```ts
 * // tasks.ts
 * export const userStats = defineTask(import.meta.url, 'userStats', async (id: number) => ({ id, posts: 3 }));
 * // app.ts
 * wg.go(userStats, 42); // typed: (id: number) => Promise<{ id: number; posts: number }>
 * ```
 */
export function defineTask<A extends unknown[], R>(
  moduleUrl: string | URL,
  exportName: string,
  fn: (...args: A) => R,
): ModuleTask<A, R> {
  if (typeof fn !== 'function') {
    throw new TypeError(`defineTask: "fn" must be a function, got ${typeof fn}`);
  }
  if (typeof exportName !== 'string' || !/^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(exportName)) {
    throw new TypeError(`defineTask: "exportName" must be the name of the export, got ${String(exportName)}`);
  }
  const module = normalizeModuleUrl(moduleUrl, 'defineTask: "moduleUrl"');
  Object.defineProperty(fn, TASK_BRAND, {
    value: Object.freeze({ kind: 'module', module, name: exportName }),
    enumerable: false,
  });
  return fn as ModuleTask<A, R>;
}

/**
 * The spec of a module task, or `undefined` for a plain function.
 *
 * @example
 * ```ts
 * moduleTaskSpec(userStats); // { kind: 'module', module: 'file:///…/tasks.js', name: 'userStats' }
 * ```
 */
export function moduleTaskSpec(fn: unknown): TaskSpec | undefined {
  if (typeof fn !== 'function') return undefined;
  return (fn as unknown as Record<symbol, TaskSpec | undefined>)[TASK_BRAND];
}

const checkedModules = new Map<string, boolean>();

/**
 * Checks, once per module, that a module task's file exists, so a typo is a `SpawnError` at `go()`.
 *
 * @example
 * ```ts
 * assertModuleExists('file:///app/tasks.js');
 * ```
 */
export function assertModuleExists(moduleUrl: string): void {
  let exists = checkedModules.get(moduleUrl);
  if (exists === undefined) {
    exists = !moduleUrl.startsWith('file:') || existsSync(fileURLToPath(moduleUrl));
    checkedModules.set(moduleUrl, exists);
  }
  if (!exists) throw new SpawnError(`task module not found: ${moduleUrl}`);
}

/**
 * Normalizes a module reference (URL, `file:` href or absolute path) to an href.
 *
 * @example
 * ```ts
 * normalizeModuleUrl('/app/boot.js', 'bootstrap'); // 'file:///app/boot.js'
 * ```
 */
export function normalizeModuleUrl(value: string | URL, label: string): string {
  if (value instanceof URL) return value.href;
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${label} must be a URL or an absolute path, got ${typeof value}`);
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) && !/^[a-z]:[\\/]/i.test(value)) return new URL(value).href;
  if (value.startsWith('/') || /^[a-z]:[\\/]/i.test(value)) return pathToFileURL(value).href;
  throw new TypeError(`${label} must be a URL or an absolute path, got the relative path "${value}"`);
}

const TRANSFER_BRAND = Symbol.for('isolane.transfer');

/** An argument wrapped by {@link transfer}. */
export interface Transfer<T> {
  readonly [TRANSFER_BRAND]: true;
  readonly value: T;
  readonly list: readonly TransferListItem[];
}

/**
 * Marks an argument whose buffers move to the worker instead of being copied. The caller's buffer
 * becomes detached (length 0) once the task is sent.
 *
 * @example
 * ```ts
 * const buf = new Uint8Array(16 << 20);
 * wg.go(checksum, transfer(buf)); // the task receives the Uint8Array; no 16 MiB copy
 * ```
 */
export function transfer<T extends ArrayBuffer | ArrayBufferView | MessagePort>(
  value: T,
  list?: readonly TransferListItem[],
): T {
  let buffers: readonly TransferListItem[];
  if (list) buffers = list;
  else if (ArrayBuffer.isView(value)) buffers = [value.buffer as ArrayBuffer];
  else buffers = [value as TransferListItem];
  return { [TRANSFER_BRAND]: true, value, list: buffers } as unknown as T;
}

/**
 * True for an argument wrapped by {@link transfer}.
 *
 * @example
 * ```ts
 * isTransfer(transfer(new ArrayBuffer(8))); // true
 * ```
 */
export function isTransfer(value: unknown): value is Transfer<unknown> {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[TRANSFER_BRAND] === true
  );
}
