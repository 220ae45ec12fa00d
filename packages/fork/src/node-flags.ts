/**
 * The Node flags a child starts with: the parent's loader flags (so `.ts` task modules work when the
 * parent runs under tsx or with custom export conditions) minus the flags that would make the child do
 * something else than run its entry (`--eval`, `--test`, `--watch`, inspector ports, ...), plus the
 * memory limit (which replaces the parent's own `--max-old-space-size`).
 */

/** Flags that take their value as the next argument when not written as `--flag=value`. */
const WITH_VALUE = new Set([
  '-e',
  '--eval',
  '-p',
  '--print',
  '--input-type',
  '--watch-path',
  '--test-name-pattern',
  '--test-reporter',
  '--test-reporter-destination',
  '--test-shard',
  '--test-skip-pattern',
  '--max-old-space-size',
  '--inspect-port',
  '--debug-port',
]);

/** Flags that must not reach a child (with or without a value). */
function isDropped(flag: string): boolean {
  const name = flag.split('=', 1)[0] ?? flag;
  return (
    name === '-e' ||
    name === '--eval' ||
    name === '-p' ||
    name === '--print' ||
    name === '-c' ||
    name === '--check' ||
    name === '-i' ||
    name === '--interactive' ||
    name === '--input-type' ||
    name === '--test' ||
    name.startsWith('--test-') ||
    name === '--watch' ||
    name.startsWith('--watch-') ||
    name.startsWith('--inspect') ||
    name.startsWith('--debug')
  );
}

/**
 * The flags for a child, from the parent's `process.execArgv`.
 *
 * @example
 * ```ts
 * childNodeFlags(['--import', 'tsx', '--inspect=9229'], 64);
 * // ['--import', 'tsx', '--max-old-space-size=64']
 * ```
 */
export function childNodeFlags(execArgv: readonly string[], memoryLimitMb: number | undefined): string[] {
  const flags: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i]!;
    const ownLimit = memoryLimitMb !== undefined && flag.split('=', 1)[0] === '--max-old-space-size';
    if (ownLimit || isDropped(flag)) {
      if (!flag.includes('=') && WITH_VALUE.has(flag)) i++;
      continue;
    }
    flags.push(flag);
  }
  if (memoryLimitMb !== undefined) flags.push(`--max-old-space-size=${memoryLimitMb}`);
  return flags;
}
