/**
 * The task to bench, from the command line: `<module>#<export>` resolved to a module URL, and the Node
 * flags its measurement hosts need to load it. A TypeScript module needs a loader on Node 20: the hosts
 * inherit the CLI's own loader flags (`node --import tsx …`); when there are none, tsx is looked up from
 * the module's directory and added, and a clear error says what to do when it cannot be found.
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inheritedFlags } from '@isolane/core/driver-kit';

/** A parsed `<module>#<export>`. */
export interface TargetSpec {
  readonly path: string;
  readonly moduleUrl: string;
  readonly exportName: string;
}

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);
const JS_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);

/**
 * Parses `<module>#<export>` (the export defaults to `default`), relative to `cwd`.
 *
 * @example
 * ```ts
 * parseTarget('src/tasks.ts#resize'); // { path: '/app/src/tasks.ts', moduleUrl: 'file:///app/src/tasks.ts', exportName: 'resize' }
 * ```
 */
export function parseTarget(text: string, cwd: string = process.cwd()): TargetSpec {
  const hash = text.lastIndexOf('#');
  const file = hash >= 0 ? text.slice(0, hash) : text;
  const exportName = hash >= 0 ? text.slice(hash + 1) : 'default';
  if (file === '') throw new TypeError(`<module>#<export>: no module path in "${text}"`);
  if (!/^[A-Za-z_$][\w$]*$/.test(exportName)) {
    throw new TypeError(`<module>#<export>: "${exportName}" is not an export name (in "${text}")`);
  }
  const path = resolve(cwd, file);
  if (!existsSync(path) || !statSync(path).isFile())
    throw new TypeError(`<module>#<export>: no such file: ${path}`);
  const ext = extname(path);
  if (!TS_EXTENSIONS.has(ext) && !JS_EXTENSIONS.has(ext)) {
    throw new TypeError(
      `<module>#<export>: ${path} is not a JavaScript or TypeScript module (.js, .mjs, .cjs, .ts, .mts, .cts)`,
    );
  }
  return { path, moduleUrl: pathToFileURL(path).href, exportName };
}

/** True when Node can load TypeScript itself (type stripping, Node 22.6+ with the flag, 23.6+ by default). */
function stripsTypes(execArgv: readonly string[]): boolean {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (execArgv.some((f) => f.startsWith('--experimental-strip-types'))) return true;
  return major > 23 || (major === 23 && minor >= 6);
}

const hasLoader = (flags: readonly string[]): boolean =>
  flags.some(
    (f) =>
      f === '--import' ||
      f.startsWith('--import=') ||
      f === '--loader' ||
      f.startsWith('--loader=') ||
      f.startsWith('--experimental-loader'),
  );

/**
 * The Node flags of the measurement hosts (the drivers pass them on to their workers).
 *
 * @example
 * ```ts
 * hostFlags(['/app/src/tasks.ts']); // ['--import', 'file:///app/node_modules/tsx/dist/esm/index.mjs']
 * ```
 */
export function hostFlags(
  paths: readonly string[],
  execArgv: readonly string[] = process.execArgv,
): string[] {
  const flags = inheritedFlags(execArgv);
  const needsTs = paths.some((p) => TS_EXTENSIONS.has(extname(p)));
  if (!needsTs || hasLoader(flags) || stripsTypes(flags)) return flags;
  const from = paths.find((p) => TS_EXTENSIONS.has(extname(p)))!;
  for (const base of [from, resolve(process.cwd(), 'package.json')]) {
    try {
      const tsx = createRequire(base).resolve('tsx/esm');
      return [...flags, '--import', pathToFileURL(tsx).href];
    } catch {
      // Not reachable from there; try the next place.
    }
  }
  throw new TypeError(
    `<module>#<export>: ${from} is TypeScript and Node ${process.versions.node} needs a loader for it: ` +
      'install tsx next to it, or run `node --import tsx $(which isolane-bench) task …`',
  );
}
