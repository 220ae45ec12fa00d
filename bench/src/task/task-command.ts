/**
 * The `task` and `validate-task` subcommands of `isolane-bench`: bench the user's own task under every
 * driver and recommend one. Options are checked (output paths included) before anything is measured.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { type OutputWrite, writeOutputs } from '../output-paths.js';
import { stderrProgress } from '../progress.js';
import { renderTaskMarkdown } from './markdown.js';
import { TASK_BASELINES, TASK_DRIVERS } from './result.js';
import { runTaskBench } from './run-task-bench.js';
import { validateTaskFile, writeTaskJson } from './task-json.js';
import { DEFAULT_BUDGET_MS, DEFAULT_TIMEOUT_MS, resolveTaskOptions, type TaskFlags } from './task-options.js';
import { renderTaskTerminal } from './terminal.js';

type Flags = TaskFlags & { readonly table?: boolean; readonly progress?: boolean };

const DESCRIPTION =
  'Measure YOUR task under every driver (and the raw new Worker / child_process.fork baselines): cold ' +
  'first task, warm p50/p95/p99, throughput with --concurrency in flight, CPU use and speedup over the same ' +
  'tasks run serially in one thread, memory per worker and peak, whether results are identical across ' +
  'drivers, which failures occurred — then recommend a driver, with the reasons. Each runner is measured ' +
  "in a fresh process; the sample counts are sized from --budget and the task's measured duration.";

/**
 * Adds `task` and `validate-task` to the CLI.
 *
 * @example
 * ```ts
 * addTaskCommands(program);
 * // isolane-bench task src/tasks.ts#resize --args '[640, 480]' --md bench-resize.md
 * ```
 */
export function addTaskCommands(program: Command): void {
  program
    .command('task')
    .summary('bench your own task under every driver and recommend one')
    .description(DESCRIPTION)
    .argument(
      '<module#export>',
      'your task: a JavaScript or TypeScript module and the name of its exported function',
    )
    .option('--args <json>', 'the arguments of one task, as a JSON array (default: no arguments)')
    .option(
      '--args-file <file>',
      'argument lists to cycle through: a .json array of argument arrays, or a module whose default (or "args") export is one, or a function returning one',
    )
    .option(
      '--drivers <list>',
      `drivers to measure, comma-separated (${TASK_DRIVERS.join(', ')}; default all)`,
    )
    .option(
      '--baselines <list>',
      `raw baselines, comma-separated or "none" (${TASK_BASELINES.join(', ')}; default all)`,
    )
    .option('--tasks <n>', 'tasks in the throughput batch (default: sized from the budget)')
    .option('--concurrency <n>', 'tasks in flight and workers per driver (default: available parallelism)')
    .option('--timeout <ms>', `per task, ms; 0 = none (default ${DEFAULT_TIMEOUT_MS})`)
    .option('--bootstrap <file>', 'module loaded once per worker before its first task')
    .option(
      '--budget <ms>',
      `time for the whole run, ms, spread over the runners (default ${DEFAULT_BUDGET_MS})`,
    )
    .option(
      '--json <file>',
      'write the result as JSON (schema bench/schema/task-bench-result.v1.json; validated)',
    )
    .option('--md <file>', 'write the result as Markdown')
    .option('--no-table', 'do not print the terminal table')
    .option('--no-progress', 'no progress on stderr')
    .action(async (target: string, flags: Flags) => {
      const { bench, json, md } = resolveTaskOptions(target, flags);
      const quote = (a: string): string =>
        /^[\w@%+=:,./#-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`;
      const result = await runTaskBench({
        ...bench,
        command: ['isolane-bench', ...process.argv.slice(2)].map(quote).join(' '),
        progress: flags.progress === false ? { start() {}, tick() {}, stop() {} } : stderrProgress(),
      });
      if (flags.table !== false) process.stdout.write(renderTaskTerminal(result));
      // A write that fails after the run keeps the figures (a temporary file), as the main bench does.
      const writes: OutputWrite[] = [];
      if (json) {
        writes.push({
          option: '--json',
          path: json,
          write: () => {
            writeTaskJson(result, json);
            return `wrote ${json} (validated against task-bench-result.v1)`;
          },
        });
      }
      if (md) {
        writes.push({
          option: '--md',
          path: md,
          write: () => {
            writeFileSync(md, renderTaskMarkdown(result));
            return `wrote ${md}`;
          },
        });
      }
      if (writeOutputs(writes, result).failures.length > 0) process.exitCode = 1;
      // Reported, not hidden: a task no driver could run fails the command (CI notices).
      if (result.recommendation.driver === null) process.exitCode = 1;
    });
  program
    .command('validate-task')
    .description(
      'check a JSON file written by `task --json` against the task-bench-result.v1 schema (exit code 1 when invalid)',
    )
    .argument('<file>', 'a file written by task --json')
    .action((file: string) => {
      const problems = validateTaskFile(file);
      if (problems.length > 0) {
        process.stderr.write(`${file} does not match task-bench-result.v1:\n  ${problems.join('\n  ')}\n`);
        process.exitCode = 1;
      } else {
        process.stdout.write(`${file} is a valid task-bench-result.v1\n`);
      }
    });
}
