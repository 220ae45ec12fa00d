/**
 * The worker-side runtime shared by every driver: hook the module loader and load the bootstrap once,
 * warm task modules, resolve a module or inline task, run it inside its task context, and encode the
 * value or the failure as plain data. The `fork`, `thread` and `pool` entries and the in-process
 * `cooperative` driver all run tasks through this.
 */

import { unmarkBufferArgs } from '../buffer-codec.js';
import { monotonicMs } from '../clock.js';
import { neverSignal, singleTaskStorage, type TaskStore, taskStorage } from '../context.js';
import { type TaskFailure, toFailure } from '../failure.js';
import type { Result } from '../result.js';
import type { TaskSpec } from '../task.js';
import { trackChildProcesses } from './child-tracking.js';
import { isNativePromise, mapGet, mapSet, PromiseCtor, promiseThen, reflectApply } from './intrinsics.js';
import { compileInline, hookLoader, loadBootstrap } from './task-loading.js';
import type { TaskMessages } from './task-messages.js';
import { awaitable, settled, unreadableResult } from './task-value.js';

/** Options of {@link createRuntime}. */
export interface RuntimeOptions {
  /** Module URL loaded once, before the first task. A default-exported function is awaited. */
  readonly bootstrap?: string | undefined;
  /**
   * Module URL whose `register()` hooks this thread's module loader before anything loads (tsx's ESM
   * API on Node versions where the parent's loader hooks do not reach worker threads).
   */
  readonly loaderHook?: string | undefined;
  /**
   * This thread runs one task in its whole life (thread and fork workers): the task's context is held
   * in a plain variable instead of AsyncLocalStorage, which saves every cold worker the cost of async
   * hooks. Leave it off wherever tasks overlap (pool workers, in-process drivers).
   */
  readonly oneTask?: boolean | undefined;
}

/** Per-run options. */
export interface RunOptions {
  /** Identifies the job in the task's context, so late errors can be attributed to it. */
  readonly id?: number | undefined;
  /** Fires when the job is aborted or timed out; visible to the task through `taskContext()`. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Gives the signal on the task's first read of it, in place of `signal` (called as a method of these
   * options): a driver whose tasks share its thread makes the AbortController only when it is read or
   * must fire, as most tasks never read it.
   */
  signalOf?(): AbortSignal;
  /** Check the value for portability and report `'unserializable'` (default true). */
  readonly checkResult?: boolean | undefined;
  /**
   * The job's two-way messages with its caller (`taskContext().send()` and the rest reach it). Absent:
   * the task's driver does not carry messages, and those methods say so.
   */
  readonly messages?: TaskMessages | undefined;
}

/** Receives a task's outcome that was not known at once; see {@link Runtime.start}. */
export type OnResult = (result: Result<unknown>) => void;

/** Runs tasks in the current thread. */
export interface Runtime {
  /** Hooks the loader and loads the bootstrap (once); resolves with its failure, or undefined. */
  ready(): Promise<TaskFailure | undefined>;
  /** Runs one task. Never rejects: every failure is encoded in the result. */
  run(task: TaskSpec, args: readonly unknown[], options?: RunOptions): Promise<Result<unknown>>;
  /**
   * Like `run`, but returns the result synchronously when it can: the runtime is ready, the task's
   * module is loaded (by an earlier task, `load` or `warm`), and the task returned a value that is
   * not a promise. Saves a warm worker the microtask hops of `run` on its hot path.
   */
  runNow(
    task: TaskSpec,
    args: readonly unknown[],
    options?: RunOptions,
  ): Result<unknown> | Promise<Result<unknown>>;
  /**
   * Runs one task, the way a worker's machinery should: returns its result at once when it has it (the
   * runtime is ready, the module loaded, the task returned a value that is not a promise), else returns
   * undefined and calls `later` exactly once, from a later microtask. Never throws, never resolves a
   * promise with a result object (a task may have given every object a `then`), and goes only through
   * builtins taken at load (intrinsics.ts): what a task patches cannot wedge it or reach another task's
   * result.
   */
  start(
    task: TaskSpec,
    args: readonly unknown[],
    options: RunOptions | undefined,
    later: OnResult,
  ): Result<unknown> | undefined;
  /**
   * Starts importing a task module into the cache `run` uses, as early as it may: at once when nothing
   * has to load first, else once the loader hook (and the bootstrap, which precedes every task module)
   * has loaded. Resolves once the module has loaded or failed (never rejects: a module that fails to
   * load fails the task that uses it).
   */
  load(moduleUrl: string): Promise<void>;
  /**
   * Gets this worker ready for its tasks while it has nothing else to do: the loader hook, the
   * bootstrap, then each module in turn, so a task of any of them takes `runNow`'s synchronous path;
   * last, the run path itself is compiled (see `primeRunPath`). Stops once a task has started (it
   * loads its own module first). Never rejects.
   */
  warm(moduleUrls: readonly string[]): Promise<void>;
}

type Namespace = Record<string, unknown>;

/**
 * Creates the runtime a worker uses to run tasks.
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ bootstrap: 'file:///app/boot.js' });
 * await runtime.warm(['file:///app/tasks.js']);
 * const result = await runtime.run({ kind: 'inline', source: '(a, b) => a + b' }, [1, 2]);
 * // { ok: true, value: 3, ms: 0.01 }
 * ```
 */
export function createRuntime(options: RuntimeOptions = {}): Runtime {
  // Before any bootstrap or task code: the processes tasks start carry this worker's marker.
  trackChildProcesses();
  const storage = options.oneTask ? singleTaskStorage() : taskStorage();
  let hooked: Promise<TaskFailure | undefined> | undefined;
  let bootstrapped: Promise<TaskFailure | undefined> | undefined;
  /** The bootstrap loaded without a failure: the synchronous path may run tasks. */
  let isReady = false;
  /** A task has started: warming stops loading modules. */
  let begun = false;
  const modules = new Map<string, Promise<Namespace>>();
  /** Loaded module namespaces, for the synchronous path. */
  const loaded = new Map<string, Namespace>();

  function hook(): Promise<TaskFailure | undefined> {
    hooked ??= hookLoader(options.loaderHook);
    return hooked;
  }

  function ready(): Promise<TaskFailure | undefined> {
    bootstrapped ??= promiseThen(hook(), async (failure: TaskFailure | undefined) => {
      const result = failure ?? (await loadBootstrap(options.bootstrap));
      if (result === undefined) isReady = true;
      return result;
    }) as Promise<TaskFailure | undefined>;
    return bootstrapped;
  }

  /** Imports a module once; what may precede it has already loaded. */
  function importOnce(url: string): Promise<Namespace> {
    let loading = mapGet(modules, url);
    if (!loading) {
      loading = import(url) as Promise<Namespace>;
      promiseThen(
        loading,
        (mod) => {
          mapSet(loaded, url, mod);
        },
        noop, // reported by the task that awaits it
      );
      mapSet(modules, url, loading);
    }
    return loading;
  }

  function load(url: string): Promise<void> {
    const before = options.bootstrap ? ready() : options.loaderHook ? hook() : undefined;
    const loading = before ? promiseThen(before, () => importOnce(url)) : importOnce(url);
    return promiseThen(loading, noop, noop) as Promise<void>;
  }

  async function warm(urls: readonly string[]): Promise<void> {
    if ((await ready()) !== undefined) return;
    for (const url of urls) {
      if (begun) return;
      await promiseThen(importOnce(url), noop, noop);
    }
    if (!begun) await primeRunPath(options.oneTask);
  }

  function run(task: TaskSpec, args: readonly unknown[], opts: RunOptions = {}): Promise<Result<unknown>> {
    const now = runNow(task, args, opts);
    return isNativePromise(now) ? now : PromiseCtor.resolve(now);
  }

  function runNow(
    task: TaskSpec,
    args: readonly unknown[],
    opts: RunOptions = {},
  ): Result<unknown> | Promise<Result<unknown>> {
    let resolveLater: OnResult | undefined;
    let early: Result<unknown> | undefined;
    const now = start(task, args, opts, (result) => {
      if (resolveLater) resolveLater(result);
      else early = result;
    });
    if (now !== undefined) return now;
    return new PromiseCtor<Result<unknown>>((resolve) => {
      if (early !== undefined) resolve(early);
      else resolveLater = resolve;
    });
  }

  function start(
    task: TaskSpec,
    args: readonly unknown[],
    opts: RunOptions | undefined,
    later: OnResult,
  ): Result<unknown> | undefined {
    begun = true;
    const o = opts ?? {};
    if (!isReady) {
      promiseThen(ready(), (bootFailure: TaskFailure | undefined) => {
        if (bootFailure) later({ ok: false, error: bootFailure, ms: 0 });
        else deliver(start(task, args, o, later), later);
      });
      return undefined;
    }
    let fn: Function;
    try {
      if (task.kind === 'inline') fn = compileInline(task.source);
      else {
        const mod = mapGet(loaded, task.module);
        if (mod === undefined) {
          startAfterLoad(task, args, o, later);
          return undefined;
        }
        fn = exported(task, mod);
      }
    } catch (err) {
      return { ok: false, error: toFailure(err, 'threw'), ms: 0 };
    }
    return invoke(fn, args, o, later);
  }

  /** The task's module is not loaded yet: load it, then run the task. */
  function startAfterLoad(
    task: Extract<TaskSpec, { kind: 'module' }>,
    args: readonly unknown[],
    opts: RunOptions,
    later: OnResult,
  ): void {
    promiseThen(
      importOnce(task.module),
      (mod: Namespace) => {
        let fn: Function;
        try {
          fn = exported(task, mod);
        } catch (err) {
          later({ ok: false, error: toFailure(err, 'threw'), ms: 0 });
          return;
        }
        deliver(invoke(fn, args, opts, later), later);
      },
      (err: unknown) => {
        later({ ok: false, error: toFailure(err, 'threw'), ms: 0 });
      },
    );
  }

  /**
   * Calls the task in its context: the result at once when it returned a value, else undefined and
   * `later` gets it. Reading the value (its `then`, a proxy's traps) is guarded: a value that throws
   * when inspected fails its own task.
   */
  function invoke(
    fn: Function,
    args: readonly unknown[],
    opts: RunOptions,
    later: OnResult,
  ): Result<unknown> | undefined {
    const store = opts.signalOf
      ? new LazySignalStore(opts)
      : { id: opts.id ?? 0, signal: opts.signal ?? neverSignal(), messages: opts.messages };
    const started = monotonicMs();
    let value: unknown;
    try {
      const callArgs = unmarkBufferArgs(args);
      value = storage.run(store, () => reflectApply(fn, undefined, callArgs));
    } catch (err) {
      return { ok: false, error: toFailure(err, 'threw'), ms: monotonicMs() - started };
    }
    try {
      const pending = awaitable(value);
      if (pending === undefined) return settled(value, monotonicMs() - started, opts);
      promiseThen(
        pending,
        (v: unknown) => {
          later(settled(v, monotonicMs() - started, opts));
        },
        (err: unknown) => {
          later({ ok: false, error: toFailure(err, 'threw'), ms: monotonicMs() - started });
        },
      );
      return undefined;
    } catch (err) {
      return { ok: false, error: unreadableResult(err), ms: monotonicMs() - started };
    }
  }

  return { ready, run, runNow, start, load, warm };
}

/**
 * A task's context whose signal is asked of `opts.signalOf()` on each read (the driver keeps it), and
 * whose messages are read of `opts` when the task uses them.
 */
class LazySignalStore implements TaskStore {
  readonly id: number;
  readonly #opts: RunOptions;
  constructor(opts: RunOptions) {
    this.id = opts.id ?? 0;
    this.#opts = opts;
  }
  // A getter on the prototype: an object literal's getter would be a new closure per task.
  get signal(): AbortSignal {
    return this.#opts.signalOf!();
  }
  // Read when the task uses its messages: a driver may make them on first use (a getter of its own).
  get messages(): RunOptions['messages'] {
    return this.#opts.messages;
  }
}

/** Hands a result known at once to `later` (the caller is already in a later microtask). */
function deliver(now: Result<unknown> | undefined, later: OnResult): void {
  if (now !== undefined) later(now);
}

function noop(): void {}

/**
 * Compiles the run path (V8 compiles a function on its first call: on a fresh worker's first task that
 * is most of a millisecond) by one inline no-op on a private runtime: the function literals are shared,
 * so the worker's first task runs compiled code. Nothing of it reaches the worker's own runtime (its
 * module map, its ready state) or its channel; it settles within the current turn (nothing it awaits
 * does I/O), before any job message can be handled.
 */
function primeRunPath(oneTask: boolean | undefined): Promise<unknown> {
  return createRuntime({ oneTask }).run({ kind: 'inline', source: '() => 0' }, []);
}

function exported(task: Extract<TaskSpec, { kind: 'module' }>, mod: Namespace): Function {
  const fn = mod[task.name];
  if (typeof fn !== 'function') {
    const err = new Error(
      fn === undefined
        ? `module ${task.module} has no export named "${task.name}"`
        : `export "${task.name}" of ${task.module} is not a function (${typeof fn})`,
    );
    err.name = 'SpawnError';
    throw err;
  }
  return fn;
}

export { compileInline } from './task-loading.js';
