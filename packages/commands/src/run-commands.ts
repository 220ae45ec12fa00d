/**
 * `runCommands()`: a pool in one call, for when the set of commands is known up front.
 */
import { CommandPool } from './command-pool.js';
import type { CommandResult } from './command-result.js';
import type { CommandOptions, CommandPoolOptions } from './options.js';
import type { LineHandler } from './run-command.js';

/**
 * One command for {@link runCommands}: `[file, args?, options?]`.
 *
 * @example
 * ```ts
 * const spec: CommandSpec = ['node', ['export.js', '--region=eu'], { timeout: 60_000 }];
 * ```
 */
export type CommandSpec = readonly [file: string, args?: readonly string[], options?: CommandOptions];

/**
 * Options of {@link runCommands}: the pool's, plus the line handler.
 *
 * @example
 * ```ts
 * const options: RunCommandsOptions = { concurrency: 2, onLine: ({ key, line }) => console.log(key, line) };
 * ```
 */
export interface RunCommandsOptions<K extends string = string> extends CommandPoolOptions {
  onLine?: LineHandler<K>;
}

/**
 * Runs every command (keys in order) and resolves with one result per key; never rejects for a
 * command's failure.
 *
 * @example
 * ```ts
 * const { eu, us } = await runCommands(
 *   { eu: ['node', ['export.js', '--region=eu']], us: ['node', ['export.js', '--region=us']] },
 *   { concurrency: 2, timeout: 60_000, onLine: ({ key, line }) => console.log(`[${key}] ${line}`) },
 * );
 * ```
 */
export async function runCommands<const T extends Readonly<Record<string, CommandSpec>>>(
  commands: T,
  options: RunCommandsOptions<Extract<keyof T, string>> = {},
): Promise<{ [K in Extract<keyof T, string>]: CommandResult }> {
  if (typeof commands !== 'object' || commands === null || Array.isArray(commands)) {
    throw new TypeError('commands must be an object of [file, args?, options?] entries');
  }
  const { onLine, ...poolOptions } = options;
  const pool = new CommandPool<Extract<keyof T, string>>(poolOptions);
  for (const [key, spec] of Object.entries(commands)) {
    if (!Array.isArray(spec)) {
      throw new TypeError(`commands.${key} must be an array [file, args?, options?], got ${typeof spec}`);
    }
    const [file, args, commandOptions] = spec as CommandSpec;
    pool.add(key as Extract<keyof T, string>, file, args, commandOptions);
  }
  pool.start(onLine);
  return pool.wait();
}
