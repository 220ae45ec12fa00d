/**
 * The table `isolane-run` prints when every command is done: one row per key, in add() order.
 */
import type { CommandResult } from './command-result.js';

/**
 * How one result reads in the summary: `ok`, `exit 3`, `SIGTERM`, `timeout`, `aborted`, `not found`…
 *
 * @example
 * ```ts
 * outcomeLabel(result); // 'exit 3'
 * ```
 */
export function outcomeLabel(result: CommandResult): string {
  if (result.ok) return 'ok';
  const { error } = result;
  if (error.kind !== 'crashed') return error.message.includes('(idleTimeout)') ? 'idle timeout' : error.kind;
  if (error.name === 'SpawnError') return error.code === 'ENOENT' ? 'not found' : 'spawn failed';
  if (error.signal !== undefined) return error.signal;
  return `exit ${error.exitCode}`;
}

/**
 * A plain-text table of results (key, outcome, time, command).
 *
 * @example
 * ```ts
 * console.log(summaryTable(await pool.wait()));
 * ```
 */
export function summaryTable(results: Readonly<Record<string, CommandResult>>): string {
  const rows = Object.entries(results).map(([key, r]) => [
    key,
    outcomeLabel(r),
    formatMs(r.ms),
    r.ok ? r.value.command : r.error.command,
  ]);
  const all = [['key', 'result', 'time', 'command'], ...rows];
  const widths = [0, 1, 2].map((c) => Math.max(...all.map((row) => (row[c] as string).length)));
  return all
    .map((row) =>
      row
        .map((cell, c) => (c === 2 ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
        .join('  '),
    )
    .map((line) => line.trimEnd())
    .join('\n');
}

function formatMs(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(2)} s`;
}
