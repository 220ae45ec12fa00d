/**
 * What runs the user's task inside a measurement host: the serial reference (direct calls in this
 * thread), an isolane driver (a private driver instance behind a `WaitGroup`, the public API) or a raw
 * baseline. One interface, so every figure of every runner is taken by the same code.
 */
import { type DriverFactory, defineTask, type TaskFailure, toFailure, WaitGroup } from '@isolane/core';
import { loadDriverFactory } from '../subjects/isolane.js';
import { rawRunner } from './raw-runners.js';
import type { RunnerId } from './result.js';

/** Where the task lives and how to run it. Plain data: sent to the host over IPC. */
export interface TaskTarget {
  /** `file:` URL of the user's module. */
  readonly moduleUrl: string;
  readonly exportName: string;
  /** `file:` URL of a bootstrap module, loaded once per worker (and once by the serial reference). */
  readonly bootstrap: string | null;
  /** Per task, ms; 0 = none. */
  readonly timeoutMs: number;
  readonly concurrency: number;
}

/** A failure reduced to what the report shows. */
export interface FailureInfo {
  readonly kind: string;
  readonly name: string;
  readonly message: string;
}

export type Outcome = (
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly failure: FailureInfo }
) & {
  /** Serial reference only: ms the call held this thread before it returned (or returned its promise). */
  readonly syncMs?: number;
};

/** An open runner. */
export interface Runner {
  /** Workers that hold tasks (for memory per worker); null when tasks run in the host itself. */
  readonly workers: number | null;
  run(args: readonly unknown[]): Promise<Outcome>;
  /** Runs every argument list at once (at most `concurrency` in flight); outcomes in order. */
  runAll(lists: readonly (readonly unknown[])[]): Promise<Outcome[]>;
  close(): Promise<void>;
}

/**
 * A failure as the report keeps it (kind, class name, message).
 *
 * @example
 * ```ts
 * failureInfo(result.error); // { kind: 'timeout', name: 'TimeoutError', message: '…' }
 * ```
 */
export function failureInfo(failure: TaskFailure): FailureInfo {
  return { kind: failure.kind, name: failure.name, message: failure.message };
}

/**
 * Imports the user's export in this thread (bootstrap first); a clear error when it is not a function.
 *
 * @example
 * ```ts
 * const resize = await importTask(target); // the export itself, for direct calls
 * ```
 */
export async function importTask(target: TaskTarget): Promise<(...args: unknown[]) => unknown> {
  if (target.bootstrap) {
    const boot = (await import(target.bootstrap)) as { default?: unknown };
    if (typeof boot.default === 'function') await (boot.default as () => unknown)();
  }
  const mod = (await import(target.moduleUrl)) as Record<string, unknown>;
  const fn = mod[target.exportName];
  if (typeof fn !== 'function') {
    const names = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
    throw new TypeError(
      `${target.moduleUrl} has no function export "${target.exportName}"` +
        (names.length > 0 ? ` (its function exports: ${names.join(', ')})` : ' (it exports no function)'),
    );
  }
  return fn as (...args: unknown[]) => unknown;
}

async function settleAll(
  lists: readonly (readonly unknown[])[],
  concurrency: number,
  run: (args: readonly unknown[]) => Promise<Outcome>,
): Promise<Outcome[]> {
  const out: Outcome[] = new Array(lists.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < lists.length) {
      const i = next++;
      out[i] = await run(lists[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, lists.length) }, lane));
  return out;
}

/** The reference: the export called directly, one task after the other, in this thread. */
async function serialRunner(target: TaskTarget): Promise<Runner> {
  const fn = await importTask(target);
  const run = async (args: readonly unknown[]): Promise<Outcome> => {
    const started = performance.now();
    let pending: unknown;
    try {
      pending = fn(...args);
    } catch (err) {
      return {
        ok: false,
        failure: failureInfo(toFailure(err, 'threw')),
        syncMs: performance.now() - started,
      };
    }
    // What the caller's event loop would be held for under `cooperative`: the synchronous part.
    const syncMs = performance.now() - started;
    try {
      return { ok: true, value: await pending, syncMs };
    } catch (err) {
      return { ok: false, failure: failureInfo(toFailure(err, 'threw')), syncMs };
    }
  };
  return { workers: null, run, runAll: (lists) => settleAll(lists, 1, run), close: async () => {} };
}

const CLOSE_BOUND_MS = 10_000;

let progressHook: ((value: unknown) => void) | undefined;

/**
 * Where the progress reports of the user's task go (`taskContext().progress()` under an isolane driver's
 * runner, through its group's `onProgress`): the measuring host forwards them to the bench's progress bar.
 *
 * @example
 * ```ts
 * onTaskProgress((value) => process.send?.({ type: 'progress', text: progressText(value) }));
 * ```
 */
export function onTaskProgress(hook: ((value: unknown) => void) | undefined): void {
  progressHook = hook;
}

async function driverRunner(id: RunnerId, target: TaskTarget): Promise<Runner> {
  const factory: DriverFactory = await loadDriverFactory(id as 'cooperative' | 'thread' | 'fork' | 'pool');
  const driver = factory({
    concurrency: target.concurrency,
    bootstrap: target.bootstrap ?? undefined,
  });
  // Declared from the caller's side: workers import the user's module by URL and call the export; this
  // process never loads it (the placeholder is never called: module tasks are resolved by their spec).
  const task = defineTask(target.moduleUrl, target.exportName, (..._args: unknown[]): unknown => {
    throw new Error('a module task runs its export, not this placeholder');
  });
  const group = {
    driver,
    timeout: target.timeoutMs,
    globals: [],
    onError: () => {},
    onProgress: (value: unknown) => progressHook?.(value),
  };
  const toOutcome = (r: Awaited<ReturnType<WaitGroup['wait']>>[number] | undefined): Outcome => {
    if (!r) return { ok: false, failure: { kind: 'crashed', name: 'Error', message: 'no result' } };
    return r.ok ? { ok: true, value: r.value } : { ok: false, failure: failureInfo(r.error) };
  };
  const runAll = async (lists: readonly (readonly unknown[])[]): Promise<Outcome[]> => {
    const wg = new WaitGroup(group);
    try {
      for (const args of lists) wg.go(task, ...args);
    } catch (err) {
      // A programmer error at the call site (CaptureError for an argument that cannot cross).
      const failure = failureInfo(toFailure(err, 'unserializable'));
      return lists.map(() => ({ ok: false, failure }));
    }
    return (await wg.wait()).map(toOutcome);
  };
  return {
    workers: id === 'cooperative' ? null : target.concurrency,
    run: async (args) => (await runAll([args]))[0]!,
    runAll,
    close: async () => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        driver.close(),
        new Promise((resolve) => {
          timer = setTimeout(resolve, CLOSE_BOUND_MS);
        }),
      ]);
      clearTimeout(timer);
    },
  };
}

/**
 * Opens the runner `id` for the user's task.
 *
 * @example
 * ```ts
 * const runner = await openRunner('pool', { moduleUrl, exportName: 'resize', bootstrap: null, timeoutMs: 0, concurrency: 2 });
 * await runner.run([640, 480]); // { ok: true, value: … }
 * await runner.close();
 * ```
 */
export function openRunner(id: RunnerId, target: TaskTarget): Promise<Runner> {
  if (id === 'serial') return serialRunner(target);
  if (id === 'raw-worker' || id === 'raw-fork') {
    return Promise.resolve(rawRunner(id, target, (lists, run) => settleAll(lists, target.concurrency, run)));
  }
  return driverRunner(id, target);
}
