/**
 * Module references: normalizing a URL or absolute path to an href, and checking once per module that
 * a task module exists, so a typo is a `SpawnError` at `go()`. Kept apart from `task.ts` so task modules
 * (which import `defineTask`) do not load `node:fs` in every cold worker.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SpawnError } from './errors.js';

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
