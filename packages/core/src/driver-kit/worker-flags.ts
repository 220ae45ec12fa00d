/**
 * Starting worker threads with the parent's Node flags. Loader flags (`--import tsx`, `--conditions`, native
 * type stripping) must reach workers so TypeScript task modules run without a build step; flags that only
 * make sense for the main script (`--input-type`, `-e`, `--test`, `--watch`) must not, or a worker's file
 * entry is refused. And on Node 20 (and older 22/24 lines) loader hooks registered in the main thread do
 * not apply to workers while tsx only hooks the main thread: when the parent runs under tsx there, the
 * worker entry hooks its own thread with tsx's API, found here as Node found the parent's `--import`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { withOwnHeapLimit } from './heap-flag.js';
import { inheritedFlags } from './inherited-flags.js';

const LOADER_FLAGS = new Set(['--import', '--loader', '--experimental-loader']);

/**
 * The flags Node refused for a worker, read from its `ERR_WORKER_INVALID_EXEC_ARGV` error (V8 and
 * per-process options such as `--max-old-space-size` apply to the whole process, not to a thread).
 *
 * @example
 * ```ts
 * rejectedFlags(err); // ['--max-old-space-size=100']
 * ```
 */
export function rejectedFlags(err: unknown): string[] | undefined {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  if (e?.code !== 'ERR_WORKER_INVALID_EXEC_ARGV' || typeof e.message !== 'string') return undefined;
  const at = e.message.indexOf(': ');
  if (at < 0) return undefined;
  return e.message
    .slice(at + 2)
    .split(', ')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The `--import`/`--loader` values in a list of Node flags.
 *
 * @example
 * ```ts
 * loaderSpecifiers(['--import', 'tsx', '--loader=./x.mjs']); // ['tsx', './x.mjs']
 * ```
 */
export function loaderSpecifiers(execArgv: readonly string[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    const eq = arg.indexOf('=');
    if (eq > 0 && LOADER_FLAGS.has(arg.slice(0, eq))) found.push(arg.slice(eq + 1));
    else if (LOADER_FLAGS.has(arg) && i + 1 < execArgv.length) found.push(execArgv[++i]!);
  }
  return found;
}

/**
 * True when tsx, loaded with `--import`, hooks worker threads by itself on this Node version (the
 * versions tsx 4 checks before registering in a worker).
 *
 * @example
 * ```ts
 * tsxHooksWorkers('20.20.0'); // false
 * tsxHooksWorkers('24.12.0'); // true
 * ```
 */
export function tsxHooksWorkers(version: string): boolean {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
  const atLeast = (a: number, b: number, c: number) =>
    major !== a ? major > a : minor !== b ? minor > b : patch >= c;
  if (major === 22) return atLeast(22, 22, 3);
  if (major === 24) return atLeast(24, 11, 1);
  if (major === 25) return atLeast(25, 1, 0);
  return major >= 26;
}

/** The root directory of the tsx package a loader specifier points into, if it does. */
function tsxRoot(specifier: string, cwd: string): string | undefined {
  if (specifier === 'tsx' || specifier.startsWith('tsx/')) {
    try {
      return dirname(createRequire(join(cwd, 'noop.js')).resolve('tsx/package.json'));
    } catch {
      return undefined;
    }
  }
  // The tsx CLI starts node with `--import file:///…/tsx/dist/loader.mjs`.
  let path: string;
  try {
    path = specifier.startsWith('file:') ? fileURLToPath(specifier) : specifier;
  } catch {
    return undefined;
  }
  const marker = `${sep}tsx${sep}dist${sep}`;
  const at = path.lastIndexOf(marker);
  return at < 0 ? undefined : path.slice(0, at + `${sep}tsx`.length);
}

/** The ESM entry of tsx's API (`tsx/esm/api`) inside a tsx package directory. */
function tsxApiHref(root: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      name?: unknown;
      exports?: Record<string, unknown>;
    };
    if (pkg.name !== 'tsx') return undefined;
    const entry = pkg.exports?.['./esm/api'] as { import?: string | { default?: string } } | undefined;
    const target = typeof entry?.import === 'string' ? entry.import : entry?.import?.default;
    if (typeof target !== 'string') return undefined;
    const file = join(root, target);
    return existsSync(file) ? pathToFileURL(file).href : undefined;
  } catch {
    return undefined;
  }
}

let cached: { key: string; href: string | undefined } | undefined;

/**
 * The href of tsx's ESM API when the parent runs under tsx and workers need to hook themselves; else
 * undefined. Cached per flag list.
 *
 * @example
 * ```ts
 * // under `node --import tsx app.ts` on Node 20:
 * workerTsxHook(); // 'file:///app/node_modules/tsx/dist/esm/api/index.mjs'
 * ```
 */
export function workerTsxHook(
  execArgv: readonly string[] = process.execArgv,
  version: string = process.versions.node,
  cwd: string = process.cwd(),
): string | undefined {
  const key = `${version}\0${cwd}\0${execArgv.join('\0')}`;
  if (cached?.key === key) return cached.href;
  let href: string | undefined;
  if (!tsxHooksWorkers(version)) {
    for (const specifier of loaderSpecifiers(execArgv)) {
      const root = tsxRoot(specifier, cwd);
      href = root ? tsxApiHref(root) : undefined;
      if (href) break;
    }
  }
  cached = { key, href };
  return href;
}

/** The parent's flags as workers accept them (narrowed once if Node refuses some); null: inherit them. */
let accepted: string[] | null | undefined;

/**
 * Starts a worker thread with the parent's flags, so loaders (tsx, `--conditions`, type stripping) apply
 * to task modules too, minus what a worker must not get (main-script flags) or cannot get (V8 and
 * per-process flags Node refuses for a thread: learnt once from its error, then remembered).
 *
 * @example
 * ```ts
 * const worker = startWorkerThread(new URL('./worker-entry.js', import.meta.url), { workerData });
 * ```
 */
export function startWorkerThread(entry: URL | string, options: WorkerOptions): Worker {
  for (;;) {
    const flags: string[] | null = accepted === undefined ? inheritedFlags(process.execArgv) : accepted;
    accepted = flags;
    try {
      const withFlags = flags === null ? options : { ...options, execArgv: flags };
      // The thread's own heap limit wins over the host's --max-old-space-size (heap-flag.ts).
      return withOwnHeapLimit(options.resourceLimits, () => new Worker(entry, withFlags));
    } catch (err) {
      // Node refuses V8 and per-process flags for a thread before it starts anything (nothing moved yet).
      const refused = rejectedFlags(err);
      if (!refused || flags === null) throw err;
      const narrowed = flags.filter((flag) => !refused.some((r) => flag === r || flag.startsWith(`${r}=`)));
      accepted = narrowed.length < flags.length ? narrowed : null;
    }
  }
}
