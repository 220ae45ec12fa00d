/**
 * Where a config file may come from, so that nobody but the project's owner can plant one (the class of
 * git's CVE-2022-24765): the search walks up from the working directory only to the project root, and
 * a candidate is read only when it is a regular file that no other user could have written. Skipped
 * candidates are reported with `process.emitWarning` and a code, so users can see and filter them.
 *
 * Hand-written rather than lilconfig's search: lilconfig checks a candidate with `access()` and then
 * reads it, so a directory named `isolane.config.json` still throws EISDIR, and it has no hook to vet
 * a candidate's directory before reading it nor to skip one and go on searching (a loader runs after
 * the read and its result ends the search). Its `stopDir` is a fixed folder, which we would have to
 * compute here anyway, and one search could not load JSON synchronously (the constructor needs it) and
 * JS asynchronously. What remains of the search is the twenty lines below.
 */
import { existsSync, type Stats, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Config file names, searched in this order in each directory from the working directory upward. */
export const CONFIG_FILES = [
  'isolane.config.json',
  'isolane.config.js',
  'isolane.config.mjs',
  'isolane.config.ts',
];

/** What marks a project root: the search for a config file never goes above the nearest of these. */
export const PROJECT_ROOT_MARKERS = ['package.json', '.git', '.hg', '.svn'];

/** Warning codes (`process.emitWarning`, type `IsolaneWarning`) for a config candidate that was skipped. */
export const CONFIG_WARNING_CODES = {
  /** The file or its directory is world-writable, or owned by another user. */
  unsafe: 'ISOLANE_CONFIG_UNSAFE',
  /** The path is a directory, a FIFO or something else that is not a regular file. */
  notFile: 'ISOLANE_CONFIG_NOT_FILE',
  /** The path could not be inspected (e.g. permission denied). */
  unreadable: 'ISOLANE_CONFIG_UNREADABLE',
} as const;

/**
 * The project root that applies to a directory: the nearest folder, from `from` upward, holding a
 * `package.json` or a VCS root (`.git`, `.hg`, `.svn`); undefined when there is none.
 *
 * @example
 * ```ts
 * findProjectRoot('/app/src/jobs'); // '/app' when /app/package.json exists
 * ```
 */
export function findProjectRoot(from: string = process.cwd()): string | undefined {
  let dir = resolve(from);
  for (;;) {
    for (const marker of PROJECT_ROOT_MARKERS) if (existsSync(join(dir, marker))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Finds the config file that applies to a directory: the first of {@link CONFIG_FILES} in `from`, then
 * in each parent up to and including the project root ({@link findProjectRoot}; only `from` itself
 * when there is no project root). Candidates that are not regular files, or that another user could
 * have written, are skipped with a warning.
 *
 * @example
 * ```ts
 * findConfigFile(); // '/app/isolane.config.json' or undefined
 * ```
 */
export function findConfigFile(from: string = process.cwd()): string | undefined {
  const start = resolve(from);
  const root = findProjectRoot(start) ?? start;
  let dir = start;
  for (;;) {
    for (const name of CONFIG_FILES) {
      const file = join(dir, name);
      const verdict = inspectConfigCandidate(file);
      if (verdict === undefined) return file;
      if (verdict !== 'absent') warnSkipped(verdict.code, `${file} was not read: ${verdict.reason}`);
    }
    const parent = dirname(dir);
    if (dir === root || parent === dir) return undefined;
    dir = parent;
  }
}

/** Why a candidate is not read; undefined when it may be read. */
type Verdict = 'absent' | { code: string; reason: string } | undefined;

function inspectConfigCandidate(file: string): Verdict {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'absent';
    return { code: CONFIG_WARNING_CODES.unreadable, reason: `it cannot be inspected (${code})` };
  }
  if (!stats.isFile()) {
    return {
      code: CONFIG_WARNING_CODES.notFile,
      reason: `it is ${stats.isDirectory() ? 'a directory' : 'not a regular file'}`,
    };
  }
  const reason = untrustedReason(file, { stats });
  return reason === undefined ? undefined : { code: CONFIG_WARNING_CODES.unsafe, reason };
}

/**
 * Why a file (config or bootstrap) could have been written by someone other than the current user,
 * or undefined when it could not: its directory or the file itself is world-writable, or owned by a
 * user other than the current one or root. The sticky bit (as on `/tmp`) is no exemption: it stops
 * others from deleting or renaming your files, not from creating a new file under a name isolane looks
 * for. Not checked on Windows, where POSIX modes and owners do not apply.
 *
 * @example
 * ```ts
 * untrustedReason('/tmp/isolane.config.json'); // 'its directory /tmp is writable by every user …'
 * untrustedReason('/app/boot.mjs', { uid: 1001 }); // as seen by uid 1001 (default: this process's uid)
 * ```
 */
export function untrustedReason(
  file: string,
  known: { stats?: Stats; uid?: number } = {},
): string | undefined {
  if (process.platform === 'win32') return undefined;
  const uid = known.uid ?? process.getuid?.();
  const dir = dirname(file);
  let dirStats: Stats;
  try {
    dirStats = statSync(dir);
  } catch {
    return undefined; // nothing can be read from a directory that does not exist
  }
  if (dirStats.mode & 0o002) {
    const sticky = dirStats.mode & 0o1000 ? ' (its sticky bit does not stop others from creating files)' : '';
    return `its directory ${dir} is writable by every user${sticky}`;
  }
  if (uid !== undefined && dirStats.uid !== uid && dirStats.uid !== 0) {
    return `its directory ${dir} is owned by another user (uid ${dirStats.uid}; this process runs as uid ${uid})`;
  }
  let stats = known.stats;
  if (!stats) {
    try {
      stats = statSync(file);
    } catch {
      return undefined;
    }
  }
  if (stats.mode & 0o002) return 'the file is writable by every user';
  if (uid !== undefined && stats.uid !== uid && stats.uid !== 0) {
    return `the file is owned by another user (uid ${stats.uid}; this process runs as uid ${uid})`;
  }
  return undefined;
}

const warned = new Set<string>();

/**
 * Emits an `IsolaneWarning` once per message.
 *
 * @example
 * ```ts
 * warnSkipped(CONFIG_WARNING_CODES.notFile, '/app/isolane.config.json was not read: it is a directory');
 * ```
 */
export function warnSkipped(code: string, message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.emitWarning(message, { type: 'IsolaneWarning', code });
}

/** Forgets which warnings were emitted (with the config cache). */
export function forgetWarnings(): void {
  warned.clear();
}
