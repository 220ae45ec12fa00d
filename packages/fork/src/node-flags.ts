/**
 * The Node flags a child starts with: the parent's loader flags (so `.ts` task modules work when the
 * parent runs under tsx or with custom export conditions) minus the flags that would make the child do
 * something else than run its entry (`--eval`, `--test`, `--watch`, inspector ports, ...), plus the
 * memory limit (which replaces the parent's own `--max-old-space-size`).
 */
import { inheritedFlags } from '@isolane/core/driver-kit';

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
  const flags = inheritedFlags(execArgv, memoryLimitMb === undefined ? [] : ['--max-old-space-size']);
  if (memoryLimitMb !== undefined) flags.push(`--max-old-space-size=${memoryLimitMb}`);
  return flags;
}
