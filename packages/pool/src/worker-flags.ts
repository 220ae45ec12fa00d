/**
 * The Node flags pool workers start with: the parent's, so loaders (`--import`, `--conditions`, type
 * stripping) reach task modules, minus the flags about the main script (`--input-type`, `-e`, …) that a
 * worker with a file entry refuses, and minus any flag Node refuses for a thread (learnt once, from its
 * error, then remembered).
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { inheritedFlags } from '@isolane/core/runtime';

/** The flags that work for a worker; undefined until the first worker starts; null: let Node inherit. */
let accepted: string[] | null | undefined;

/**
 * Starts a worker thread on `entry` with the parent's usable flags.
 *
 * @example
 * ```ts
 * const worker = startWorker(new URL('./worker-entry.js', import.meta.url), { workerData });
 * ```
 */
export function startWorker(entry: URL, options: WorkerOptions): Worker {
  for (;;) {
    const flags = accepted === undefined ? inheritedFlags(process.execArgv) : accepted;
    accepted = flags;
    try {
      return new Worker(entry, flags === null ? options : { ...options, execArgv: flags });
    } catch (err) {
      const refused = refusedFlags(err);
      if (refused === undefined || flags === null) throw err;
      const narrowed = flags.filter((flag) => !refused.some((r) => flag === r || flag.startsWith(`${r}=`)));
      accepted = narrowed.length < flags.length ? narrowed : null;
    }
  }
}

/**
 * The flags named by Node's `ERR_WORKER_INVALID_EXEC_ARGV` error, or undefined for any other error.
 *
 * @example
 * ```ts
 * refusedFlags(Object.assign(new Error('Initiated Worker with invalid execArgv flags: --foo'), { code: 'ERR_WORKER_INVALID_EXEC_ARGV' }));
 * // ['--foo']
 * ```
 */
export function refusedFlags(err: unknown): string[] | undefined {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (e?.code !== 'ERR_WORKER_INVALID_EXEC_ARGV' || typeof e.message !== 'string') return undefined;
  const list = e.message.slice(e.message.indexOf(':') + 1);
  const flags = list
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f.startsWith('-'));
  return flags.length > 0 ? flags : undefined;
}
