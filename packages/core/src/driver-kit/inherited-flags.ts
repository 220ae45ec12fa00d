/**
 * Which of the parent's Node flags a worker thread or child process inherits. Loader flags
 * (`--import tsx`, `--conditions`, type stripping) must reach workers so TypeScript task modules run
 * without a build step; flags about the main script (`-e`, `--input-type`, `--test`, `--watch`) or the
 * parent's own debugger port must not, or the worker's entry file is refused or collides.
 */

/** Flags that describe only the main script or the parent process; dropped with their values. */
function isMainOnly(name: string): boolean {
  return (
    MAIN_ONLY.has(name) ||
    name.startsWith('--test-') ||
    name.startsWith('--watch-') ||
    name.startsWith('--inspect') ||
    name.startsWith('--debug')
  );
}

const MAIN_ONLY = new Set([
  '-e',
  '--eval',
  '-p',
  '--print',
  '-c',
  '--check',
  '-i',
  '--interactive',
  '--input-type',
  '--test',
  '--watch',
  '--run',
]);

/** Flags that take their value as the next argument when not written as `--flag=value`. */
const TAKES_VALUE = new Set([
  '-e',
  '--eval',
  '-p',
  '--print',
  '--input-type',
  '--run',
  '--watch-path',
  '--test-name-pattern',
  '--test-reporter',
  '--test-reporter-destination',
  '--test-shard',
  '--test-skip-pattern',
  '--inspect-port',
  '--debug-port',
  '--max-old-space-size',
]);

/**
 * The parent's flags a worker should start with, minus `drop` (names of flags the caller sets itself,
 * such as `--max-old-space-size`).
 *
 * @example
 * ```ts
 * inheritedFlags(['--input-type=module', '--import', 'tsx', '-e', 'code', '--inspect=9229']);
 * // ['--import', 'tsx']
 * ```
 */
export function inheritedFlags(
  execArgv: readonly string[] = process.execArgv,
  drop: readonly string[] = [],
): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i]!;
    const eq = flag.indexOf('=');
    const name = eq > 0 ? flag.slice(0, eq) : flag;
    if (isMainOnly(name) || drop.includes(name)) {
      if (eq < 0 && TAKES_VALUE.has(name)) i++;
      continue;
    }
    kept.push(flag);
  }
  return kept;
}
