#!/usr/bin/env node
/**
 * `isolane-run`: run shell commands in parallel, like `concurrently`, on a `CommandPool` — output
 * prefixed with each command's key, a summary table at the end, exit code 1 if any command failed.
 * Ctrl-C stops every command's whole process tree.
 *
 * @example
 * ```sh
 * isolane-run --concurrency 4 --timeout 60000 --names lint,test -- "npm run lint" "npm test"
 * ```
 */
import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { CommandPool } from './command-pool.js';
import { summaryTable } from './summary-table.js';

const program = new Command('isolane-run')
  .description('Run shell commands in parallel; key-prefixed output and a summary table.')
  .argument('<commands...>', 'shell commands (quote each one)')
  .option('-c, --concurrency <n>', 'commands running at once (default: all)', count('--concurrency'))
  .option('-t, --timeout <ms>', 'longest run of each command', count('--timeout'))
  .option('-i, --idle-timeout <ms>', 'longest silence of each command', count('--idle-timeout'))
  .option('-k, --kill-grace <ms>', 'between SIGTERM and SIGKILL when stopping', count('--kill-grace', 0))
  .option('-n, --names <names>', 'comma-separated keys (default: 0, 1, 2, …)')
  .option('--no-summary', 'do not print the summary table')
  .showHelpAfterError();

program.parse();
const opts = program.opts<{
  concurrency?: number;
  timeout?: number;
  idleTimeout?: number;
  killGrace?: number;
  names?: string;
  summary: boolean;
}>();
const commands = program.args;
const names = opts.names ? opts.names.split(',').map((n) => n.trim()) : commands.map((_, i) => String(i));
if (names.length !== commands.length || new Set(names).size !== names.length || names.includes('')) {
  program.error(`--names must give ${commands.length} distinct non-empty names, got '${opts.names}'`);
}

const pool = new CommandPool({
  concurrency: opts.concurrency ?? Math.max(commands.length, availableParallelism()),
  shell: true,
  ...(opts.timeout === undefined ? {} : { timeout: opts.timeout }),
  ...(opts.idleTimeout === undefined ? {} : { idleTimeout: opts.idleTimeout }),
  ...(opts.killGrace === undefined ? {} : { killGraceMs: opts.killGrace }),
});
commands.forEach((command, i) => {
  pool.add(names[i] as string, command);
});
const width = Math.max(...names.map((n) => n.length));
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  // `on`, not `once`: while a listener of ours is there, the pool's exit hook leaves the signal to us.
  process.on(signal, () => {
    if (interrupted) process.exit(130); // a second Ctrl-C: the exit hook SIGKILLs what is left
    interrupted = true;
    process.stderr.write(`\nisolane-run: ${signal}, stopping ${pool.running().join(', ') || 'nothing'}\n`);
    void pool.stop();
  });
}
pool.start(({ key, stream, line }) => {
  const out = stream === 'stdout' ? process.stdout : process.stderr;
  const prefix = `[${key.padEnd(width)}] `;
  // Wait for a full terminal or pipe: the command pauses instead of this process buffering its output.
  if (out.write(`${prefix}${line}\n`)) return undefined;
  return new Promise<void>((resolve) => out.once('drain', resolve));
});
const results = await pool.wait();
if (opts.summary) process.stdout.write(`\n${summaryTable(results)}\n`);
const failed = Object.values(results).some((r) => !r.ok);
process.exitCode = interrupted ? 130 : failed ? 1 : 0;

function count(flag: string, min = 1): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) {
      throw new InvalidArgumentError(`${flag} must be an integer of at least ${min}, got '${value}'`);
    }
    return n;
  };
}
