/**
 * What a worker process needs to read under the `permissions` option (permissions.ts): the driver's own
 * package (its entry), core, the `node_modules` folders above them and above the working directory —
 * each by its own path and its real path (pnpm links packages into a store) — and each module (task or
 * bootstrap) it loads; and whether a path is among what a process may read.
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What every worker process needs to read: the driver's package (`entryRoot`, a folder ending in a
 * separator: the process's entry), core (imported by task modules) and the `node_modules` folders above
 * the working directory (`cwd`, default this process's) and above both packages, by their own path and
 * their real path.
 *
 * @example
 * ```ts
 * baseReads(fileURLToPath(new URL('..', import.meta.url)));
 * // ['/app/node_modules/@isolane/fork/', '/app/packages/core/', '/app/node_modules/', ...]
 * ```
 */
export function baseReads(entryRoot: string, cwd: string = process.cwd()): string[] {
  const reads = [entryRoot, ...nodeModulesAbove(entryRoot), ...nodeModulesAbove(cwd)];
  // This file is core's (src/driver-kit or dist/driver-kit): core's root is two folders up.
  const coreRoot = fileURLToPath(new URL('../..', import.meta.url));
  reads.push(coreRoot, ...nodeModulesAbove(coreRoot));
  return dedupe(reads.flatMap(withRealPath));
}

/**
 * What a module (task or bootstrap) needs read: the file itself and the `node_modules` above it.
 *
 * @example
 * ```ts
 * moduleReads('file:///app/tasks.js'); // ['/app/tasks.js', '/app/node_modules/']
 * ```
 */
export function moduleReads(href: string): string[] {
  if (!href.startsWith('file:')) return [];
  const path = fileURLToPath(href);
  return dedupe([path, ...nodeModulesAbove(dirname(path))].flatMap(withRealPath));
}

/**
 * Whether `path` is readable under `reads` (a file named exactly, or inside a folder ending in a separator).
 *
 * @example
 * ```ts
 * isReadable('/app/node_modules/x/index.js', ['/app/node_modules/']); // true
 * ```
 */
export function isReadable(path: string, reads: readonly string[] | '*'): boolean {
  if (reads === '*') return true;
  return reads.some((r) => r === path || (r.endsWith(sep) && path.startsWith(r)));
}

function nodeModulesAbove(from: string): string[] {
  const out: string[] = [];
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules');
    if (existsSync(candidate)) out.push(candidate + sep);
    if (dirname(dir) === dir) return out;
  }
}

function withRealPath(path: string): string[] {
  try {
    const real = realpathSync(path);
    const canonical = path.endsWith(sep) && !real.endsWith(sep) ? real + sep : real;
    return canonical === path ? [path] : [path, canonical];
  } catch {
    return [path];
  }
}

function dedupe(paths: string[]): string[] {
  return [...new Set(paths)];
}
