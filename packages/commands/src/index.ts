/**
 * `@isolane/commands`: run shell commands in parallel — keys, a concurrency limit, total and idle
 * timeouts, streamed lines, bounded capture, whole-process-tree kills — with results as data in
 * isolane's `Result` shape.
 *
 * @example
 * ```ts
 * import { CommandPool } from '@isolane/commands';
 * const pool = new CommandPool({ concurrency: 4, timeout: 30_000 });
 * pool.add('eu', 'node', ['export.js', '--region=eu']);
 * pool.start(({ key, line }) => console.log(`[${key}] ${line}`));
 * const { eu } = await pool.wait();
 * ```
 */
export { CommandPool, type Completion } from './command-pool.js';
export type {
  CommandFailure,
  CommandOutput,
  CommandResult,
  CommandValue,
} from './command-result.js';
export {
  type CommandOptions,
  type CommandPoolOptions,
  DEFAULT_KILL_GRACE_MS,
  DEFAULT_MAX_BUFFER,
  formatCommand,
  MAX_BUFFER_LIMIT,
  MAX_CONCURRENCY,
} from './options.js';
export type { LineEvent, LineHandler, OutputStream } from './run-command.js';
export { type CommandSpec, type RunCommandsOptions, runCommands } from './run-commands.js';
