/**
 * Conveniences on top of WaitGroup, with the same semantics: `settle` (results), `run` (values or one
 * AggregateError carrying every failure), `map` (one task over many items), `defer` (fire-and-forget,
 * failures reported to a handler, never lost).
 */
import { failureToError, type TaskFailure } from './failure.js';
import { textOf } from './printable.js';
import type { Result } from './result.js';
import { reportStray } from './stray-routing.js';
import { type AnyTask, WaitGroup, type WaitGroupOptions } from './wait-group.js';

/** A task with its arguments: a zero-argument function, or `[task, ...args]`. */
export type TaskEntry = AnyTask | readonly [AnyTask, ...unknown[]];

type ValueOf<E> = E extends readonly [infer F, ...unknown[]]
  ? F extends (...args: never[]) => infer R
    ? Awaited<R>
    : never
  : E extends (...args: never[]) => infer R
    ? Awaited<R>
    : never;

/** Results for a tuple of entries, typed per position. */
export type ResultsOf<T extends readonly TaskEntry[]> = { -readonly [K in keyof T]: Result<ValueOf<T[K]>> };
/** Values for a tuple of entries, typed per position. */
export type ValuesOf<T extends readonly TaskEntry[]> = { -readonly [K in keyof T]: ValueOf<T[K]> };

/** An AggregateError whose `failures` keep every failure as data, with slot indexes. */
export interface TaskAggregateError extends AggregateError {
  readonly failures: readonly { readonly index: number; readonly failure: TaskFailure }[];
}

function startAll(wg: WaitGroup, entries: readonly TaskEntry[], caller: string): void {
  if (!Array.isArray(entries)) {
    throw new TypeError(`${caller}(): "tasks" must be an array of functions or [task, ...args] entries`);
  }
  for (const entry of entries) {
    if (typeof entry === 'function') wg.go(entry);
    else if (Array.isArray(entry) && typeof entry[0] === 'function') {
      const [task, ...args] = entry as unknown as readonly [AnyTask, ...unknown[]];
      wg.go(task, ...args);
    } else {
      throw new TypeError(`${caller}(): each task entry must be a function or [task, ...args]`);
    }
  }
}

async function collect<T>(options: WaitGroupOptions, fill: (wg: WaitGroup) => void): Promise<Result<T>[]> {
  const wg = new WaitGroup(options);
  try {
    fill(wg);
    return (await wg.wait()) as Result<T>[];
  } finally {
    await wg.close();
  }
}

/**
 * Runs tasks and resolves with one result per task, in order. Never rejects for task failures.
 *
 * @example
 * ```ts
 * const [a, b] = await settle([() => 1, [userStats, 42]], { driver: 'thread' });
 * if (!b.ok) console.error(b.error.kind);
 * ```
 */
export function settle<const T extends readonly TaskEntry[]>(
  tasks: T,
  options: WaitGroupOptions = {},
): Promise<ResultsOf<T>> {
  return collect(options, (wg) => startAll(wg, tasks, 'settle')) as Promise<ResultsOf<T>>;
}

/**
 * Builds the AggregateError that `run` and `map` reject with: one Error per failure, every failure kept.
 *
 * @example
 * ```ts
 * throw aggregateFailures(results);
 * ```
 */
export function aggregateFailures(results: readonly Result<unknown>[]): TaskAggregateError {
  const failures: { index: number; failure: TaskFailure }[] = [];
  results.forEach((r, index) => {
    if (!r.ok) failures.push({ index, failure: r.error });
  });
  const kinds = [...new Set(failures.map((f) => f.failure.kind))].join(', ');
  const error = new AggregateError(
    failures.map((f) => Object.assign(failureToError(f.failure), { index: f.index })),
    `${failures.length} of ${results.length} tasks failed (${kinds}): ${failures[0]?.failure.message ?? ''}`,
  ) as AggregateError & { failures: typeof failures };
  error.failures = failures;
  return error;
}

/**
 * Runs tasks and resolves with their values, or rejects with ONE AggregateError carrying every failure
 * (not only the first).
 *
 * @example
 * ```ts
 * try {
 *   const [stats, sum] = await run([[userStats, 42], () => 1 + 2]);
 * } catch (e) {
 *   for (const { index, failure } of (e as TaskAggregateError).failures) console.error(index, failure.kind);
 * }
 * ```
 */
export async function run<const T extends readonly TaskEntry[]>(
  tasks: T,
  options: WaitGroupOptions = {},
): Promise<ValuesOf<T>> {
  const results = await collect(options, (wg) => startAll(wg, tasks, 'run'));
  if (results.some((r) => !r.ok)) throw aggregateFailures(results);
  return results.map((r) => (r as { value: unknown }).value) as ValuesOf<T>;
}

/**
 * Runs one task per item (the item is the task's first argument, its index the second) and resolves
 * with the values in item order, or rejects with one AggregateError carrying every failure.
 *
 * @example
 * ```ts
 * const sizes = await map(['a.txt', 'b.txt'], fileSize, { driver: 'pool', concurrency: 2 });
 * ```
 */
export async function map<I, R>(
  items: Iterable<I>,
  task: (item: I, index: number) => R,
  options: WaitGroupOptions = {},
): Promise<Awaited<R>[]> {
  if (items === null || typeof (items as { [Symbol.iterator]?: unknown })?.[Symbol.iterator] !== 'function') {
    throw new TypeError('map(): "items" must be iterable');
  }
  const results = await collect<Awaited<R>>(options, (wg) => {
    let i = 0;
    for (const item of items) wg.go(task, item, i++);
  });
  if (results.some((r) => !r.ok)) throw aggregateFailures(results);
  return results.map((r) => (r as { value: Awaited<R> }).value);
}

let deferHandler: ((failure: TaskFailure) => void) | undefined;
const inFlight = new Set<Promise<void>>();

/**
 * Fire-and-forget: starts a task without waiting for it. A failure, and an error the task causes after
 * it settled (a timer it left behind that throws), go to the handler set with {@link onDeferredError}
 * (default: printed to stderr); neither is lost silently.
 *
 * @example
 * ```ts
 * defer(sendWelcomeMail, userId);
 * await deferred(); // e.g. before shutdown: waits for every deferred task
 * ```
 */
export function defer<A extends unknown[], R>(task: (...args: A) => R, ...args: A): void;
export function defer<A extends unknown[], R>(task: (...args: A) => R, ...args: A): void {
  // A late error (a timer the task left behind threw after it settled) takes the same road as a failure.
  const wg = new WaitGroup({ onError: (failure) => report(failure, true) });
  wg.go(task, ...args);
  const done: Promise<void> = wg
    .wait()
    .then(
      ([result]) => {
        if (result && !result.ok) report(result.error);
      },
      (err: unknown) => report({ kind: 'bootstrap', name: 'Error', message: textOf(err) }),
    )
    .finally(() => {
      inFlight.delete(done);
      void wg.close();
    });
  inFlight.add(done);
}

function report(failure: TaskFailure, late = false): void {
  if (deferHandler) {
    reportStray((f) => deferHandler?.(f), failure, 0);
  } else {
    const when = late ? ' after it settled' : '';
    process.stderr.write(
      `isolane: a deferred task failed${when} (${failure.kind}): ${failure.name}: ${failure.message}\n`,
    );
  }
}

/**
 * Sets the handler for failures of deferred tasks, late errors included (`undefined` restores printing
 * to stderr).
 *
 * @example
 * ```ts
 * onDeferredError((failure) => logger.error({ failure }, 'background task failed'));
 * ```
 */
export function onDeferredError(handler: ((failure: TaskFailure) => void) | undefined): void {
  if (handler !== undefined && typeof handler !== 'function')
    throw new TypeError('onDeferredError(handler): handler must be a function');
  deferHandler = handler;
}

/**
 * Resolves when every task started with {@link defer} so far has finished.
 *
 * @example
 * ```ts
 * await deferred();
 * ```
 */
export async function deferred(): Promise<void> {
  while (inFlight.size > 0) await Promise.all([...inFlight]);
}
