/**
 * Module references: checking once per module that a task module exists, so a typo is a `SpawnError`
 * at `go()` (turning a URL or an absolute path into an href is driver-kit's `checkModuleHref`). Kept
 * apart from `task.ts` so task modules (which import `defineTask`) do not load `node:fs` in every cold
 * worker.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
