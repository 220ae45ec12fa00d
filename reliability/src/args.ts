/**
 * Command-line flags shared by the reliability scripts: a tiny `--name value` reader, because the
 * scripts take two or three flags and must stay dependency-free.
 */

/**
 * Reads `--name value` or `--name=value` from argv.
 *
 * @example
 * ```ts
 * flag(['--drivers', 'pool'], 'drivers'); // 'pool'
 * ```
 */
export function flag(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === `--${name}`) return argv[i + 1];
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

/**
 * Reads a positive integer flag, with a default.
 *
 * @example
 * ```ts
 * intFlag(['--tasks', '500'], 'tasks', 1000); // 500
 * ```
 */
export function intFlag(argv: readonly string[], name: string, fallback: number): number {
  const raw = flag(argv, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`--${name} must be a positive integer`);
  return value;
}
