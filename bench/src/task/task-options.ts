/**
 * The `task` subcommand's options, checked before anything is measured: every bad value is a clear
 * error naming its option, and the output files are checked to be writable first, so a long run never
 * ends in a path error.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkOutputPaths } from '../output-paths.js';
import { TASK_BASELINES, TASK_DRIVERS, type TaskBaseline, type TaskDriver } from './result.js';
import type { TaskBenchOptions } from './run-task-bench.js';
import { hostFlags, parseTarget } from './target.js';
import { type ArgSource, parseArgsOption, readArgsFile } from './task-args.js';

/** The flags as commander gives them (strings). */
export interface TaskFlags {
  readonly args?: string;
  readonly argsFile?: string;
  readonly drivers?: string;
  readonly baselines?: string;
  readonly tasks?: string;
  readonly concurrency?: string;
  readonly timeout?: string;
  readonly bootstrap?: string;
  readonly json?: string;
  readonly md?: string;
  readonly budget?: string;
}

/** Defaults: 30 s per task, 3 minutes for the whole run. */
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_BUDGET_MS = 180_000;

/**
 * A positive integer option (or undefined when not given).
 *
 * @example
 * ```ts
 * positiveInt('8', '--tasks'); // 8
 * positiveInt('0', '--tasks'); // throws RangeError: --tasks must be a positive integer, got "0"
 * ```
 */
export function positiveInt(
  value: string | undefined,
  option: string,
  allowZero = false,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || (!allowZero && n === 0)) {
    throw new RangeError(
      `${option} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got "${value}"`,
    );
  }
  return n;
}

function pick<T extends string>(value: string | undefined, known: readonly T[], option: string): T[] {
  if (value === undefined) return [...known];
  if (value === 'none' || value.trim() === '') return [];
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) {
    if (!(known as readonly string[]).includes(n)) {
      throw new TypeError(`${option}: unknown name "${n}" (known: ${known.join(', ')}, or "none")`);
    }
  }
  return known.filter((k) => names.includes(k));
}

/** Options checked and resolved, plus where to write the outputs. */
export interface ResolvedTaskOptions {
  readonly bench: Omit<TaskBenchOptions, 'progress'>;
  readonly json: string | null;
  readonly md: string | null;
}

/**
 * Checks the command line of `task` and resolves it.
 *
 * @example
 * ```ts
 * resolveTaskOptions('tasks.js#resize', { args: '[640]', drivers: 'pool,thread' });
 * ```
 */
export function resolveTaskOptions(
  targetText: string,
  flags: TaskFlags,
  cwd: string = process.cwd(),
): ResolvedTaskOptions {
  const target = parseTarget(targetText, cwd);
  if (flags.args !== undefined && flags.argsFile !== undefined) {
    throw new TypeError('--args and --args-file are exclusive: give one argument list, or a file of them');
  }
  const args: ArgSource =
    flags.args !== undefined
      ? parseArgsOption(flags.args)
      : flags.argsFile !== undefined
        ? readArgsFile(flags.argsFile, cwd)
        : { kind: 'lists', lists: [[]] };
  const drivers: TaskDriver[] = pick(flags.drivers, TASK_DRIVERS, '--drivers');
  const baselines: TaskBaseline[] = pick(flags.baselines, TASK_BASELINES, '--baselines');
  if (drivers.length === 0) throw new TypeError('--drivers: name at least one driver to measure');
  let bootstrap: string | null = null;
  let bootstrapPath: string | null = null;
  if (flags.bootstrap !== undefined) {
    bootstrapPath = resolve(cwd, flags.bootstrap);
    if (!existsSync(bootstrapPath)) throw new TypeError(`--bootstrap: no such file: ${bootstrapPath}`);
    bootstrap = pathToFileURL(bootstrapPath).href;
  }
  const json = flags.json !== undefined ? resolve(cwd, flags.json) : null;
  const md = flags.md !== undefined ? resolve(cwd, flags.md) : null;
  if (json !== null && json === md) throw new TypeError('--json and --md name the same file');
  // Before minutes of measuring, not after (the main bench's check: folders made, files writable).
  checkOutputPaths({ ...(json ? { json } : {}), ...(md ? { md } : {}) });
  const argsModule = args.kind === 'module' ? [new URL(args.url).pathname] : [];
  return {
    bench: {
      moduleUrl: target.moduleUrl,
      exportName: target.exportName,
      args,
      drivers,
      baselines,
      tasks: positiveInt(flags.tasks, '--tasks'),
      concurrency: positiveInt(flags.concurrency, '--concurrency') ?? availableParallelism(),
      timeoutMs: positiveInt(flags.timeout, '--timeout', true) ?? DEFAULT_TIMEOUT_MS,
      bootstrap,
      budgetMs: positiveInt(flags.budget, '--budget') ?? DEFAULT_BUDGET_MS,
      hostFlags: hostFlags([target.path, ...argsModule, ...(bootstrapPath ? [bootstrapPath] : [])]),
    },
    json,
    md,
  };
}
