/**
 * The failures a driver makes itself (as opposed to a task's own throw), with one wording each, so a
 * closed driver, a timeout, an out-of-memory death or a crash reads the same under every driver. Each
 * message starts with a fixed headline and adds the details the driver knows after it (the worker,
 * the exit status, the tail of stderr), so callers and tests can rely on the headline.
 */
import { makeFailure, type TaskFailure, toFailure } from '../failure.js';

/**
 * What ran the task, as the message names it: `'worker thread'`, `'child process'`,
 * `'worker process'`, or a custom driver's own noun.
 */
export type WorkerNoun = 'worker thread' | 'child process' | 'worker process' | (string & {});

/** How a process or thread ended: an exit code, or the signal that killed it. */
export interface ExitStatus {
  readonly exitCode?: number | null | undefined;
  readonly signal?: string | null | undefined;
}

/** What a driver knows about a worker that died (all optional except the worker). */
export interface DeathDetails extends ExitStatus {
  /** What ran the task. */
  readonly worker: WorkerNoun;
  /** What else the driver knows, e.g. an Error's message or `the task called process.exit(3)`. */
  readonly reason?: string | undefined;
  /** The last output on the worker's stderr (the last 8 lines, at most 1000 characters, are kept). */
  readonly stderrTail?: string | undefined;
  /** An error code to keep (e.g. `ERR_WORKER_OUT_OF_MEMORY`, `ERR_ACCESS_DENIED`). */
  readonly code?: string | number | undefined;
  /** The failure behind this one. */
  readonly cause?: TaskFailure | undefined;
}

/** What a driver knows about a worker that ran out of memory. */
export interface OomDetails extends Partial<DeathDetails> {
  /** The `memoryLimitMb` in effect, if one was set. */
  readonly memoryLimitMb?: number | undefined;
  /** V8's own report, e.g. `FATAL ERROR: Reached heap limit Allocation failed`. */
  readonly report?: string | undefined;
}

/**
 * The failure of a job the driver will not run because it is (or was, while the job waited) closed.
 *
 * @example
 * ```ts
 * closedFailure('fork'); // { kind: 'aborted', name: 'AbortError', message: 'the fork driver was closed' }
 * ```
 */
export function closedFailure(driverName: string): TaskFailure {
  return makeFailure('aborted', `the ${driverName} driver was closed`, { name: 'AbortError' });
}

/**
 * The failure of a task stopped at its timeout (counted from the moment it started).
 *
 * @example
 * ```ts
 * timeoutFailure(500); // { kind: 'timeout', name: 'TimeoutError', message: 'the task ran longer than its 500 ms timeout' }
 * ```
 */
export function timeoutFailure(ms: number): TaskFailure {
  return makeFailure('timeout', `the task ran longer than its ${ms} ms timeout`, { name: 'TimeoutError' });
}

/**
 * The failure of a task whose worker ran out of memory. The headline is
 * `the task ran out of memory (memoryLimitMb: N)`; the worker, how it ended and V8's report follow.
 *
 * @example
 * ```ts
 * oomFailure({ memoryLimitMb: 64, worker: 'child process', signal: 'SIGABRT' }).message;
 * // 'the task ran out of memory (memoryLimitMb: 64); its child process was killed by SIGABRT'
 * oomFailure({ memoryLimitMb: 64 }).message; // 'the task ran out of memory (memoryLimitMb: 64)'
 * ```
 */
export function oomFailure(details: OomDetails = {}): TaskFailure {
  const limit = details.memoryLimitMb === undefined ? '' : ` (memoryLimitMb: ${details.memoryLimitMb})`;
  const message = `the task ran out of memory${limit}${deathTail(details, details.report)}`;
  return makeFailure('oom', message, { name: 'OutOfMemoryError', ...extras(details) });
}

/**
 * The failure of a task whose worker died before the task settled (and not of memory).
 *
 * @example
 * ```ts
 * crashedFailure({ worker: 'child process', exitCode: 3 }).message;
 * // "the task's child process exited with code 3 before the task settled"
 * crashedFailure({ worker: 'worker thread', reason: 'the task called process.exit(0)', exitCode: 0 }).message;
 * // "the task's worker thread exited with code 0 before the task settled: the task called process.exit(0)"
 * ```
 */
export function crashedFailure(details: DeathDetails): TaskFailure {
  const message = `the task's ${details.worker} ${describeExit(details)} before the task settled${reasonOf(details)}${stderrOf(details)}`;
  return makeFailure('crashed', message, { name: 'CrashError', ...extras(details) });
}

/**
 * The failure a task caused after it settled: its worker died of what the task left behind (a timer,
 * a `process.exit()` call, memory). It goes to the group's error handler, never to another task.
 * With `oom: true` it is an `'oom'` failure.
 *
 * @example
 * ```ts
 * crashedAfterResultFailure({ worker: 'child process', exitCode: 1 }).message;
 * // 'after the task settled, its child process exited with code 1'
 * crashedAfterResultFailure({ worker: 'child process', oom: true, signal: 'SIGABRT' }).message;
 * // 'after the task settled, its child process ran out of memory and was killed by SIGABRT'
 * ```
 */
export function crashedAfterResultFailure(details: DeathDetails & { readonly oom?: boolean }): TaskFailure {
  const memory = details.oom ? ' ran out of memory and' : '';
  const message = `after the task settled, its ${details.worker}${memory} ${describeExit(details)}${reasonOf(details)}${stderrOf(details)}`;
  return details.oom
    ? makeFailure('oom', message, { name: 'OutOfMemoryError', ...extras(details) })
    : makeFailure('crashed', message, { name: 'CrashError', ...extras(details) });
}

/**
 * The failure of a task whose worker's channel to the driver was corrupted: bytes, a message of the
 * wrong shape or a forged answer arrived where only the driver's own runtime may write. The worker is
 * killed; the host and every other task are untouched. `detail` says what arrived.
 *
 * @example
 * ```ts
 * channelCorruptedFailure({ worker: 'child process', detail: 'a message of the wrong shape (null)' }).message;
 * // "the task corrupted the channel between its child process and the driver: a message of the wrong shape (null); the child process was killed"
 * ```
 */
export function channelCorruptedFailure(details: {
  readonly worker: WorkerNoun;
  readonly detail: string;
}): TaskFailure {
  const message = `the task corrupted the channel between its ${details.worker} and the driver: ${details.detail}; the ${details.worker} was killed`;
  return makeFailure('crashed', message, { name: 'ChannelError', code: 'ERR_ISOLANE_CHANNEL' });
}

/**
 * The failure of a task whose worker's bootstrap did not finish within the group's `bootstrapTimeout`:
 * the worker was killed (or, in-process, given up on) and every task waiting on it fails so.
 *
 * @example
 * ```ts
 * bootstrapTimeoutFailure('file:///app/boot.js', 30000).message;
 * // 'bootstrap file:///app/boot.js did not finish within its 30000 ms bootstrapTimeout'
 * ```
 */
export function bootstrapTimeoutFailure(bootstrap: string | undefined, ms: number): TaskFailure {
  const what = bootstrap === undefined ? "the worker's start" : `bootstrap ${bootstrap}`;
  return makeFailure('bootstrap', `${what} did not finish within its ${ms} ms bootstrapTimeout`, {
    name: 'BootstrapTimeoutError',
  });
}

/**
 * The failure of a task whose arguments could not be sent to the worker that would run it (a
 * function, a class instance with private state, a transfer of a detached buffer…).
 *
 * @example
 * ```ts
 * unsendableArgsFailure(new Error('() => {} could not be cloned.'), 'a worker thread').message;
 * // "the task's arguments cannot be sent to a worker thread: () => {} could not be cloned."
 * ```
 */
export function unsendableArgsFailure(err: unknown, where: string): TaskFailure {
  const cause = toFailure(err, 'unserializable');
  return makeFailure('unserializable', `the task's arguments cannot be sent to ${where}: ${cause.message}`, {
    name: 'DataCloneError',
  });
}

/**
 * How a worker ended, in words: killed by a signal, exited with a code, or (neither known) failed.
 *
 * @example
 * ```ts
 * describeExit({ signal: 'SIGKILL' }); // 'was killed by SIGKILL'
 * describeExit({ exitCode: 3 });       // 'exited with code 3'
 * describeExit({});                    // 'failed'
 * ```
 */
export function describeExit(exit: ExitStatus): string {
  if (exit.signal !== undefined && exit.signal !== null) return `was killed by ${exit.signal}`;
  if (exit.exitCode !== undefined && exit.exitCode !== null) return `exited with code ${exit.exitCode}`;
  return 'failed';
}

/**
 * The last lines of a worker's stderr as failures quote them: the last 8 lines, at most 1000
 * characters, trailing blanks removed ('' for none).
 *
 * @example
 * ```ts
 * stderrTail('a\nb\n\n'); // 'a\nb'
 * ```
 */
export function stderrTail(text: string): string {
  const trimmed = text.trimEnd();
  if (!trimmed) return '';
  return trimmed.split('\n').slice(-8).join('\n').slice(-1000);
}

function deathTail(details: OomDetails, report: string | undefined): string {
  const how = details.worker === undefined ? '' : `; its ${details.worker} ${describeExit(details)}`;
  return `${how}${report ? `: ${report}` : ''}${reasonOf(details)}${stderrOf(details)}`;
}

function reasonOf(details: { readonly reason?: string | undefined }): string {
  return details.reason ? `: ${details.reason}` : '';
}

function stderrOf(details: { readonly stderrTail?: string | undefined }): string {
  const tail = details.stderrTail === undefined ? '' : stderrTail(details.stderrTail);
  return tail ? `; its stderr ended with:\n${tail}` : '';
}

function extras(details: Partial<DeathDetails>): Partial<TaskFailure> {
  const out: Partial<TaskFailure> = {};
  if (details.exitCode !== undefined && details.exitCode !== null) out.exitCode = details.exitCode;
  if (details.signal !== undefined && details.signal !== null) out.signal = details.signal;
  if (details.code !== undefined) out.code = details.code;
  if (details.cause !== undefined) out.cause = details.cause;
  return out;
}
