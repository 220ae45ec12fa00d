/**
 * The host's `--max-old-space-size` against a worker thread's `resourceLimits`. V8 flags are
 * process-wide, and when the flag is set V8 gives it precedence over the heap size Node asks for a
 * worker's isolate: a host started with `--max-old-space-size=2048` (in `NODE_OPTIONS` or its own flags)
 * silently gave every thread asking for 64 MiB a 2 GiB heap, and a host flag of 200 capped a thread
 * asking for 1024. The flag is read when an isolate is created, so clearing it while a thread with its
 * own limit starts (and putting it back once that thread is online) makes the thread's limit the one in
 * force, and leaves the host's heap — sized when the host started — as it was.
 */

import { setFlagsFromString } from 'node:v8';
import type { Worker } from 'node:worker_threads';

/** Both spellings V8 accepts. */
const NAMES = ['--max-old-space-size', '--max_old_space_size'];

/** The value of the last `--max-old-space-size` in a list of flags, if any. */
function lastFlagValue(args: readonly string[]): number | undefined {
  let found: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!NAMES.includes(name)) continue;
    const raw = eq > 0 ? arg.slice(eq + 1) : args[++i];
    const mb = Number(raw);
    if (raw !== undefined && raw !== '' && Number.isFinite(mb) && mb >= 0) found = mb;
  }
  return found;
}

/**
 * The `--max-old-space-size` (MiB) the host process runs with, from its `NODE_OPTIONS` and its own
 * flags (the latter win, as in Node); undefined when neither sets it (or sets it to 0, V8's "unset").
 *
 * @example
 * ```ts
 * hostHeapFlagMb(['--max-old-space-size=200'], ''); // 200
 * hostHeapFlagMb([], '--max-old-space-size=2048 --enable-source-maps'); // 2048
 * hostHeapFlagMb([], undefined); // undefined
 * ```
 */
export function hostHeapFlagMb(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string | undefined = process.env.NODE_OPTIONS,
): number | undefined {
  const fromOptions = lastFlagValue((nodeOptions ?? '').split(/\s+/).filter(Boolean));
  const fromArgv = lastFlagValue(execArgv);
  const mb = fromArgv ?? fromOptions;
  return mb === undefined || mb === 0 ? undefined : mb;
}

/** Threads being created while the flag is cleared; the flag is restored when the last is online. */
let clearing = 0;
let restoreTo: number | undefined;

/**
 * Creates a worker thread whose own `resourceLimits.maxOldGenerationSizeMb` must be the limit in force:
 * when the host runs with `--max-old-space-size`, the flag is cleared while the thread's isolate is made
 * and restored once it is online (or failed to start). Without the host flag, or without a limit for the
 * thread, `create` runs as is.
 *
 * @example
 * ```ts
 * const worker = withOwnHeapLimit(options.resourceLimits, () => new Worker(entry, options));
 * ```
 */
export function withOwnHeapLimit(
  limits: { readonly maxOldGenerationSizeMb?: number | undefined } | undefined,
  create: () => Worker,
): Worker {
  if (limits?.maxOldGenerationSizeMb === undefined) return create();
  const hostMb = hostHeapFlagMb();
  if (hostMb === undefined && clearing === 0) return create();
  if (clearing === 0) {
    restoreTo = hostMb;
    setFlagsFromString('--max-old-space-size=0');
  }
  clearing++;
  let worker: Worker;
  try {
    worker = create();
  } catch (err) {
    release();
    throw err;
  }
  let done = false;
  const settle = () => {
    if (done) return;
    done = true;
    worker.off('online', settle);
    worker.off('exit', settle);
    worker.off('error', settle);
    release();
  };
  worker.once('online', settle);
  worker.once('exit', settle);
  // The owner listens for 'error' too (thread and pool do); this one only notes that the start is over.
  worker.prependListener('error', settle);
  return worker;
}

function release(): void {
  clearing--;
  if (clearing === 0 && restoreTo !== undefined) setFlagsFromString(`--max-old-space-size=${restoreTo}`);
}
