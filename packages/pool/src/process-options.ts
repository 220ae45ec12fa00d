/**
 * The pool's `runtime` option and the options only a worker process has (`cwd`, `execArgv`, `stdio`,
 * `onOutput`, `watchdog`, `permissions`), with their eager validation: each is an error naming it, and a process
 * option given to the thread runtime is an error too (a thread has no cwd, stdio or Node flags of its
 * own), never silently ignored.
 */
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import {
  checkMemoryMb,
  checkPermissions,
  type ResolvedWorkerPermissions,
  type WorkerPermissions,
} from '@isolane/core/driver-kit';

/** What hosts the pool's workers: worker threads (default) or child processes. */
export type PoolRuntime = 'thread' | 'process';

/** Where a worker process's stdout/stderr go. */
export type PoolStdio = 'inherit' | 'capture' | 'ignore';

/** A chunk of output a worker process wrote, as given to `onOutput` when `stdio` is `'capture'`. */
export interface PoolOutput {
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
  /** The worker process's pid (a worker runs many tasks: output is per process, not per task). */
  readonly pid: number | undefined;
}

/**
 * The runtime option and the worker-process options.
 *
 * @example
 * ```ts
 * const options: PoolProcessOptions = { runtime: 'process', cwd: '/srv/app', stdio: 'ignore' };
 * ```
 */
export interface PoolProcessOptions {
  /**
   * `'thread'` (default): warm worker threads — the fastest, for pure-JavaScript tasks. `'process'`:
   * warm child processes — for native addons that do not load in a worker thread, tasks that must
   * survive native crashes (SIGSEGV, `process.abort()`), per-worker cwd, title and signals, or a heap
   * limit the host's flags cannot override.
   */
  readonly runtime?: PoolRuntime | undefined;
  /** Process runtime: the workers' working directory. Default: this process's. */
  readonly cwd?: string | undefined;
  /** Process runtime: Node flags added after the inherited loader flags (e.g. `['--no-warnings']`). */
  readonly execArgv?: readonly string[] | undefined;
  /**
   * Process runtime: `'inherit'` (default) writes the workers' output to this process's stdout/stderr,
   * `'capture'` gives it to `onOutput` only, `'ignore'` drops it. Results never travel on these streams.
   */
  readonly stdio?: PoolStdio | undefined;
  /** Process runtime: receives captured output; setting it alone implies `stdio: 'capture'`. */
  readonly onOutput?: ((output: PoolOutput) => void) | undefined;
  /**
   * Process runtime: make each worker process die with this one even while its task is stuck in
   * synchronous code (Linux: `setpriv --pdeathsig KILL`; elsewhere a watchdog thread). Default true.
   */
  readonly watchdog?: boolean | undefined;
  /**
   * Process runtime: the largest resident set (RSS, MiB) a worker process may reach while it runs a
   * task, sampled by the parent every 100 ms (Linux, from /proc): past it the worker is killed and its
   * running task fails as `oom` — memory `memoryLimitMb` does not see (Buffers, ArrayBuffers, native
   * allocations) included. Default: none.
   */
  readonly maxRssMb?: number | undefined;
  /**
   * Process runtime: run each worker process under Node's permission model. `true` lets it read only
   * what its tasks need (the pool's worker entry, core, `node_modules`, the bootstrap and the task
   * modules the pool has seen) and nothing else: no writes, no child processes, no worker threads, no
   * addons; an object grants more (`fsRead`, `fsWrite`, `childProcess`, `worker`, `addons`, `net`). A
   * denied access fails the slot with `code: 'ERR_ACCESS_DENIED'`. A worker's grants are fixed when it
   * starts: a task of a module that a running worker may not read retires that worker (after its
   * tasks in flight) for one that may — grant the folder of your task modules in `fsRead` to avoid
   * that. Defence in depth, not a sandbox (docs/security.md). Not with `runtime: 'thread'`.
   */
  readonly permissions?: boolean | WorkerPermissions | undefined;
}

/** The process options after validation (defaults filled in; meaningful with `runtime: 'process'`). */
export interface ResolvedProcessOptions {
  readonly runtime: PoolRuntime;
  readonly cwd: string | undefined;
  readonly execArgv: readonly string[];
  readonly stdio: PoolStdio;
  readonly onOutput: ((output: PoolOutput) => void) | undefined;
  readonly watchdog: boolean;
  readonly permissions: ResolvedWorkerPermissions | undefined;
  readonly maxRssMb: number | undefined;
}

/** The option names of this file, for the pool's list of known options. */
export const PROCESS_KEYS = [
  'runtime',
  'cwd',
  'execArgv',
  'stdio',
  'onOutput',
  'watchdog',
  'permissions',
  'maxRssMb',
] as const;

/**
 * Validates the runtime and process options of a pool (`o` holds the caller's options).
 *
 * @example
 * ```ts
 * resolveProcessOptions({ runtime: 'process', stdio: 'ignore' }).stdio; // 'ignore'
 * resolveProcessOptions({ cwd: '/tmp' }); // TypeError: options.cwd needs options.runtime 'process'
 * ```
 */
export function resolveProcessOptions(o: Readonly<Record<string, unknown>>): ResolvedProcessOptions {
  const runtime = o.runtime ?? 'thread';
  if (runtime !== 'thread' && runtime !== 'process') {
    throw new TypeError(`options.runtime must be 'thread' or 'process', got ${JSON.stringify(runtime)}`);
  }
  if (runtime === 'thread') {
    if (o.permissions !== undefined && o.permissions !== false) {
      throw new TypeError(
        "options.permissions needs options.runtime 'process': Node's permission model applies to a " +
          'whole process, a worker thread cannot be restricted',
      );
    }
    for (const key of PROCESS_KEYS) {
      if (key === 'permissions') continue;
      if (key !== 'runtime' && o[key] !== undefined) {
        throw new TypeError(
          `options.${key} needs options.runtime 'process' (a worker thread has no ${key} of its own)`,
        );
      }
    }
  }
  const onOutput = o.onOutput;
  if (onOutput !== undefined && typeof onOutput !== 'function') {
    throw new TypeError('options.onOutput must be a function');
  }
  const stdio = o.stdio ?? (onOutput !== undefined ? 'capture' : 'inherit');
  if (stdio !== 'inherit' && stdio !== 'capture' && stdio !== 'ignore') {
    throw new TypeError(
      `options.stdio must be 'inherit', 'capture' or 'ignore', got ${JSON.stringify(stdio)}`,
    );
  }
  if (stdio === 'capture' && onOutput === undefined) {
    throw new TypeError("options.stdio 'capture' needs options.onOutput");
  }
  if (stdio !== 'capture' && onOutput !== undefined) {
    throw new TypeError(`options.onOutput only receives output with options.stdio 'capture', not '${stdio}'`);
  }
  if (o.watchdog !== undefined && typeof o.watchdog !== 'boolean') {
    throw new TypeError(`options.watchdog must be a boolean, got ${JSON.stringify(o.watchdog)}`);
  }
  return {
    runtime,
    cwd: o.cwd === undefined ? undefined : checkCwd(o.cwd),
    execArgv: o.execArgv === undefined ? [] : checkExecArgv(o.execArgv),
    stdio,
    onOutput: onOutput as ((output: PoolOutput) => void) | undefined,
    watchdog: o.watchdog ?? true,
    permissions: checkPermissions(o.permissions, 'options.permissions'),
    maxRssMb: o.maxRssMb === undefined ? undefined : checkMemoryMb(o.maxRssMb, 'options.maxRssMb'),
  };
}

function checkCwd(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`options.cwd must be a directory path, got ${JSON.stringify(value)}`);
  }
  const dir = isAbsolute(value) ? value : resolve(value);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new TypeError(`options.cwd must be an existing directory, got ${JSON.stringify(value)}`);
  return dir;
}

function checkExecArgv(value: unknown): readonly string[] {
  if (!Array.isArray(value) || value.some((flag) => typeof flag !== 'string')) {
    throw new TypeError(
      `options.execArgv must be an array of strings (Node flags), got ${JSON.stringify(value)}`,
    );
  }
  return Object.freeze([...(value as string[])]);
}
