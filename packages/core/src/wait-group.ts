/**
 * WaitGroup: the Go-style front door. `go()` starts a task and returns its slot; `wait()` resolves with
 * one result per slot, in `go()` order, and never rejects for task failures.
 */

import { availableParallelism } from 'node:os';
import type { TransferListItem } from 'node:worker_threads';
import { bufferPaths, markBufferArgs, unwrapBufferResult } from './buffer-codec.js';
import { busyGroups } from './busy-groups.js';
import { inlineTaskSpec } from './capture/inline-task.js';
import {
  type ConfigChoice,
  checkBootstrap,
  checkConcurrency,
  checkConfigChoice,
  checkDriverName,
  checkGlobals,
  checkMemoryLimit,
  checkTimeout,
  DEFAULT_DRIVER,
  DRIVER_ENV,
  type DriverName,
  type IsolaneConfig,
  type LoadedConfig,
  loadConfig,
} from './config.js';
import {
  type Driver,
  type DriverSettings,
  isDriver,
  type Job,
  type JobHandle,
  type JobSink,
} from './driver.js';
import { sharedDriver } from './driver-registry.js';
import { SpawnError } from './errors.js';
import { makeFailure, type TaskFailure, toFailure } from './failure.js';
import { assertModuleExists } from './module-url.js';
import { assertPortableArgs } from './portable.js';
import type { Result } from './result.js';
import { moduleTaskSpec, type TaskSpec } from './task.js';
import { isTransfer } from './transfer.js';

/** Options of a {@link WaitGroup}. Every field is optional; config and environment fill the gaps. */
export interface WaitGroupOptions {
  /** A driver name, or a `Driver` instance you own (you close it). Default: config, then `pool`. */
  driver?: DriverName | Driver;
  /** Module loaded once per worker before its first task. */
  bootstrap?: URL | string;
  /** Max tasks running at once. Default: available parallelism. */
  concurrency?: number;
  /** Per task, ms, counted from the moment the task starts running. 0 = none. */
  timeout?: number;
  /** Per task/worker memory limit where the model can enforce it. */
  memoryLimitMb?: number;
  /** Aborts every unfinished task of the group. */
  signal?: AbortSignal;
  /** Names the bootstrap defines on `globalThis`, which inline functions may use. */
  globals?: readonly string[];
  /** Driver-specific options (merged over the config file's `drivers.<name>`). */
  driverOptions?: Readonly<Record<string, unknown>>;
  /**
   * Receives failures that have no open slot any more (a timer a task left behind threw after it
   * returned). Default: printed to stderr. Never lost silently.
   */
  onError?: (failure: TaskFailure, slot: number) => void;
  /** Directory the config file is searched from. Default: `process.cwd()`. */
  cwd?: string;
  /**
   * Which config file applies: `false` = none (discovery off), a path (relative to `cwd`) or file URL =
   * that file, which must exist. Default: `ISOLANE_CONFIG`, else discovery from `cwd` up to the
   * project root.
   */
  config?: ConfigChoice;
}

/** A completion, as yielded by `for await (const c of wg)`. */
export interface Completion<T = unknown> {
  readonly index: number;
  readonly result: Result<T>;
}

/** Anything `go()` accepts: a module task (from `defineTask`) or an inline function. */
// biome-ignore lint/suspicious/noExplicitAny: task signatures are arbitrary; go() re-infers them.
export type AnyTask = (...args: any[]) => unknown;

const OPTION_KEYS = new Set([
  'driver',
  'bootstrap',
  'concurrency',
  'timeout',
  'memoryLimitMb',
  'signal',
  'globals',
  'driverOptions',
  'onError',
  'cwd',
  'config',
]);

const specCache = new WeakMap<Function, TaskSpec>();
const NO_GLOBALS: ReadonlySet<string> = new Set();

class Slot implements JobSink {
  handle: JobHandle | undefined;
  constructor(
    readonly group: WaitGroup,
    readonly index: number,
  ) {}
  settle(result: Result<unknown>): void {
    this.group._settle(this.index, result);
  }
  stray(failure: TaskFailure): void {
    this.group._stray(this.index, failure);
  }
}

/**
 * Runs tasks under one isolation model and collects exactly one result per `go()`.
 *
 * @example
 * ```ts
 * await using wg = new WaitGroup({ driver: 'thread', timeout: 5_000 });
 * wg.go(userStats, 42);
 * wg.go((a: number, b: number) => a + b, 1, 2);
 * for (const r of await wg.wait()) r.ok ? console.log(r.value) : console.error(r.error.kind);
 * ```
 */
export class WaitGroup<T = unknown> implements AsyncDisposable, AsyncIterable<Completion<T>> {
  readonly #results: (Result<unknown> | undefined)[] = [];
  readonly #slots: (Slot | undefined)[] = [];
  readonly #order: number[] = [];
  readonly #timeout: number;
  readonly #globals: ReadonlySet<string>;
  readonly #onError: ((failure: TaskFailure, slot: number) => void) | undefined;
  #outstanding = 0;
  #driver: Driver | undefined;
  #driverName: string | undefined;
  #driverError: unknown;
  // Allocated on first use: a group per request is common, and most never need them.
  #queued: { index: number; job: Job }[] | undefined;
  #waiters: (() => void)[] | undefined;
  #aborted: TaskFailure | undefined;
  #closed = false;
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;

  constructor(options: WaitGroupOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(
        `WaitGroup options must be an object, got ${options === null ? 'null' : typeof options}`,
      );
    }
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.has(key)) {
        throw new TypeError(`unknown WaitGroup option "${key}" (known: ${[...OPTION_KEYS].join(', ')})`);
      }
    }
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
      throw new TypeError('options.signal must be an AbortSignal');
    }
    if (options.onError !== undefined && typeof options.onError !== 'function') {
      throw new TypeError('options.onError must be a function');
    }
    if (options.cwd !== undefined && typeof options.cwd !== 'string') {
      throw new TypeError('options.cwd must be a directory path string');
    }
    const configChoice = checkConfigChoice(options.config, 'options.config');
    if (
      options.driverOptions !== undefined &&
      (typeof options.driverOptions !== 'object' || options.driverOptions === null)
    ) {
      throw new TypeError('options.driverOptions must be an object');
    }
    const driverInstance = isDriver(options.driver) ? options.driver : undefined;
    if (options.driver !== undefined && typeof options.driver !== 'string' && !driverInstance) {
      throw new TypeError(
        'options.driver must be a driver name or a Driver instance (with a name, start() and close())',
      );
    }
    // Explicit options are validated eagerly, before any config is read.
    const concurrency =
      options.concurrency === undefined
        ? undefined
        : checkConcurrency(options.concurrency, 'options.concurrency');
    const timeout =
      options.timeout === undefined ? undefined : checkTimeout(options.timeout, 'options.timeout');
    const memoryLimitMb =
      options.memoryLimitMb === undefined
        ? undefined
        : checkMemoryLimit(options.memoryLimitMb, 'options.memoryLimitMb');
    const bootstrap =
      options.bootstrap === undefined ? undefined : checkBootstrap(options.bootstrap, 'options.bootstrap');
    const globals =
      options.globals === undefined ? undefined : checkGlobals(options.globals, 'options.globals');
    const explicitName =
      typeof options.driver === 'string' ? checkDriverName(options.driver, 'options.driver') : undefined;
    if (driverInstance) {
      for (const key of ['bootstrap', 'concurrency', 'memoryLimitMb', 'driverOptions'] as const) {
        if (options[key] !== undefined) {
          throw new TypeError(
            `options.${key} belongs to the driver when options.driver is a Driver instance: pass it to the driver`,
          );
        }
      }
    }
    // Read only when it can matter: `process.env` is a slow lookup, and a group per request is common.
    const envValue = explicitName || driverInstance ? undefined : process.env[DRIVER_ENV];
    const envName =
      envValue === undefined || envValue === ''
        ? undefined
        : checkDriverName(envValue, `environment variable ${DRIVER_ENV}`);

    this.#onError = options.onError;
    this.#timeout = timeout ?? 0;
    this.#globals = globals === undefined || globals.length === 0 ? NO_GLOBALS : new Set(globals);

    const finish = (loaded: LoadedConfig | undefined): Driver | Promise<Driver> => {
      if (driverInstance) return driverInstance;
      const config: IsolaneConfig = loaded?.config ?? {};
      const name = explicitName ?? envName ?? config.driver ?? DEFAULT_DRIVER;
      this.#driverName = name;
      const driverOptions = { ...(config.drivers?.[name] ?? {}), ...(options.driverOptions ?? {}) };
      const settings: DriverSettings = {
        concurrency: concurrency ?? config.concurrency ?? availableParallelism(),
        ...((bootstrap ?? config.bootstrap) !== undefined
          ? { bootstrap: (bootstrap ?? config.bootstrap) as string }
          : {}),
        ...((memoryLimitMb ?? config.memoryLimitMb) !== undefined
          ? { memoryLimitMb: (memoryLimitMb ?? config.memoryLimitMb) as number }
          : {}),
        ...(Object.keys(driverOptions).length > 0 ? { options: driverOptions } : {}),
      };
      return sharedDriver(name, settings);
    };

    // A named config file is read (and must exist) even when the options leave it nothing to set.
    const needsConfig =
      configChoice !== false &&
      (configChoice !== undefined || !(driverInstance && timeout !== undefined && globals !== undefined));
    let driver: Driver | Promise<Driver>;
    if (!needsConfig) driver = finish(undefined);
    else {
      const loaded = loadConfig(options.cwd, configChoice);
      if (loaded instanceof Promise) {
        driver = loaded.then((l) => {
          this.#applyConfigDefaults(l, timeout, globals);
          return finish(l);
        });
      } else {
        this.#applyConfigDefaults(loaded, timeout, globals);
        driver = finish(loaded);
      }
    }
    if (driver instanceof Promise) {
      driver.then(
        (d) => this.#useDriver(d),
        (err: unknown) => this.#failDriver(err),
      );
    } else {
      this.#driver = driver;
    }

    if (options.signal) {
      const signal = options.signal;
      if (signal.aborted) this.abort(signal.reason);
      else {
        // Listened to only while the group is busy, so idle groups on a long-lived signal leak nothing.
        this.#signal = signal;
        this.#onAbort = () => this.abort(signal.reason);
      }
    }
  }

  /** A group is listed for shutdown() and listens to its signal only while it has open slots. */
  #busy(busy: boolean): void {
    if (busy) {
      busyGroups().add(this);
      if (this.#signal && this.#onAbort)
        this.#signal.addEventListener('abort', this.#onAbort, { once: true });
    } else {
      busyGroups().delete(this);
      if (this.#signal && this.#onAbort) this.#signal.removeEventListener('abort', this.#onAbort);
    }
  }

  #applyConfigDefaults(
    loaded: LoadedConfig | undefined,
    timeout: number | undefined,
    globals: string[] | undefined,
  ) {
    if (!loaded) return;
    if (timeout === undefined && loaded.config.timeout !== undefined)
      this.#configTimeout = loaded.config.timeout;
    if (globals === undefined && loaded.config.globals) this.#configGlobals = new Set(loaded.config.globals);
  }

  #configTimeout = 0;
  #configGlobals: ReadonlySet<string> | undefined;

  /**
   * The driver this group runs on ('pool', 'thread', …, or a Driver instance's name); undefined only
   * while a JS/TS config file is still loading.
   */
  get driverName(): string | undefined {
    return this.#driverName ?? this.#driver?.name;
  }

  /** Number of slots not settled yet. */
  get count(): number {
    return this.#outstanding;
  }

  /** Number of slots started by `go()` so far. */
  get size(): number {
    return this.#results.length;
  }

  /**
   * Starts a task and returns its slot index. Never blocks. Throws `CaptureError` / `SpawnError` /
   * `TypeError` at the call site for tasks that cannot cross the boundary.
   */
  go<A extends unknown[], R extends T | PromiseLike<T>>(task: (...args: A) => R, ...args: A): number {
    if (this.#closed) throw new Error('WaitGroup.go(): the group is closed');
    // The signal is only listened to while the group is busy: catch an abort that came while it was idle.
    if (this.#signal?.aborted && !this.#aborted) this.abort(this.#signal.reason);
    const spec = this.#specOf(task);
    let transfer: TransferListItem[] | undefined;
    let sendArgs: unknown[] = args;
    let primitive = true;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a !== null && (typeof a === 'object' || typeof a === 'function' || typeof a === 'symbol')) {
        primitive = false;
        break;
      }
    }
    if (!primitive) {
      sendArgs = args.slice();
      for (let i = 0; i < sendArgs.length; i++) {
        const a = sendArgs[i];
        if (isTransfer(a)) {
          sendArgs[i] = a.value;
          transfer ??= [];
          transfer.push(...a.list);
        }
      }
      // Node Buffers clone to plain Uint8Arrays: list where they are, so the runtime rebuilds them.
      const buffers = assertPortableArgs(sendArgs) ? bufferPaths(sendArgs) : undefined;
      // Snapshot now: mutating an argument after go() must never change what the task sees.
      // Transferred buffers are moved into the snapshot, not copied.
      try {
        sendArgs = transfer ? structuredClone(sendArgs, { transfer }) : structuredClone(sendArgs);
      } catch (err) {
        throw new TypeError(`WaitGroup.go(): an argument cannot be cloned: ${(err as Error).message}`);
      }
      if (buffers) sendArgs = markBufferArgs(sendArgs, buffers);
      transfer = transfer ? collectTransferables(sendArgs, transfer.length) : undefined;
    }
    const index = this.#results.length;
    this.#results.push(undefined);
    this.#slots.push(undefined);
    if (this.#outstanding++ === 0) this.#busy(true);
    if (this.#aborted) {
      this._settle(index, { ok: false, error: this.#aborted, ms: 0 });
      return index;
    }
    const timeout = this.#timeout || this.#configTimeout;
    const job: Job = transfer
      ? { task: spec, args: sendArgs, transfer, ...(timeout ? { timeout } : {}) }
      : timeout
        ? { task: spec, args: sendArgs, timeout }
        : { task: spec, args: sendArgs };
    if (this.#driver) this.#start(index, job);
    else if (this.#driverError === undefined) {
      this.#queued ??= [];
      this.#queued.push({ index, job });
    } else this._settle(index, { ok: false, error: toFailure(this.#driverError, 'bootstrap'), ms: 0 });
    return index;
  }

  #specOf(task: Function): TaskSpec {
    if (typeof task !== 'function') {
      throw new SpawnError(
        `WaitGroup.go(): the task must be a function or a module task, got ${task === null ? 'null' : typeof task}`,
      );
    }
    const cached = specCache.get(task);
    if (cached) return cached;
    let spec = moduleTaskSpec(task);
    if (spec?.kind === 'module') assertModuleExists(spec.module);
    else
      spec = inlineTaskSpec(
        task,
        this.#configGlobals && this.#globals.size === 0 ? this.#configGlobals : this.#globals,
      );
    // Only cache specs that do not depend on this group's allowed globals.
    if (spec.kind === 'module' || (this.#globals.size === 0 && !this.#configGlobals))
      specCache.set(task, spec);
    return spec;
  }

  #start(index: number, job: Job): void {
    const slot = new Slot(this, index);
    this.#slots[index] = slot;
    try {
      slot.handle = this.#driver!.start(job, slot);
    } catch (err) {
      this._settle(index, { ok: false, error: toFailure(err, 'crashed'), ms: 0 });
    }
  }

  #useDriver(driver: Driver): void {
    this.#driver = driver;
    const queued = this.#queued ?? [];
    this.#queued = undefined;
    for (const { index, job } of queued) {
      if (this.#results[index] === undefined) this.#start(index, job);
    }
  }

  #failDriver(err: unknown): void {
    this.#driverError = err ?? new Error('driver failed to load');
    const queued = this.#queued ?? [];
    this.#queued = undefined;
    for (const { index } of queued) {
      this._settle(index, { ok: false, error: toFailure(this.#driverError, 'bootstrap'), ms: 0 });
    }
  }

  /** @internal Called by a slot's driver sink. */
  _settle(index: number, result: Result<unknown>): void {
    if (this.#results[index] !== undefined) return; // exactly one result per slot
    if (result.ok && typeof result.value === 'object' && result.value !== null) {
      const value = unwrapBufferResult(result.value);
      if (value !== result.value) result = { ...result, value };
    }
    this.#results[index] = result;
    this.#slots[index] = undefined;
    this.#order.push(index);
    if (--this.#outstanding === 0) this.#busy(false);
    if (this.#iterWaiters !== undefined) {
      const waiters = this.#iterWaiters;
      this.#iterWaiters = undefined;
      for (const w of waiters) w();
    }
    if (this.#outstanding === 0 && this.#waiters !== undefined) {
      const waiters = this.#waiters;
      this.#waiters = undefined;
      for (const w of waiters) w();
    }
  }

  /** @internal Called by a slot's driver sink for late errors. */
  _stray(index: number, failure: TaskFailure): void {
    const open = this.#results[index] === undefined;
    if (open) {
      this._settle(index, { ok: false, error: failure, ms: 0 });
      return;
    }
    reportStray(this.#onError, failure, index);
  }

  #iterWaiters: (() => void)[] | undefined;

  /**
   * Resolves with every slot's result, in `go()` order, once all are settled. Never rejects for task
   * failures (it rejects only if the driver itself could not be loaded).
   */
  wait(): Promise<Result<T>[]> {
    // One promise, settled straight from the last slot's settle: no extra hops on a hot path.
    return new Promise((resolve, reject) => {
      const done = (): void => {
        if (this.#driverError !== undefined && !this.#driver) reject(this.#driverError);
        else resolve(this.#results.slice() as Result<T>[]);
      };
      if (this.#outstanding === 0) return done();
      this.#waiters ??= [];
      this.#waiters.push(done);
    });
  }

  /** Yields `{ index, result }` in completion order, for every slot (including ones started later). */
  async *[Symbol.asyncIterator](): AsyncGenerator<Completion<T>> {
    let cursor = 0;
    for (;;) {
      while (cursor < this.#order.length) {
        const index = this.#order[cursor++]!;
        yield { index, result: this.#results[index] as Result<T> };
      }
      if (this.#outstanding === 0) return;
      this.#iterWaiters ??= [];
      const waiters = this.#iterWaiters;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  }

  /**
   * Aborts every unfinished slot: each settles with `kind: 'aborted'` and its work is stopped. Later
   * `go()` calls settle as aborted at once.
   */
  abort(reason?: unknown): void {
    if (this.#aborted) return;
    const message =
      reason === undefined
        ? 'the group was aborted'
        : typeof reason === 'string'
          ? reason
          : reason instanceof Error
            ? reason.message || reason.name
            : String(reason);
    const failure = makeFailure('aborted', message, {
      name: 'AbortError',
      ...(reason instanceof Error ? { cause: toFailure(reason, 'aborted') } : {}),
    });
    this.#aborted = failure;
    for (let i = 0; i < this.#results.length; i++) {
      if (this.#results[i] !== undefined) continue;
      const slot = this.#slots[i];
      this._settle(i, { ok: false, error: failure, ms: 0 });
      slot?.handle?.abort(failure);
    }
    this.#queued = undefined;
  }

  /** Aborts what is unfinished and releases the group. Shared drivers stay warm for other groups. */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#outstanding > 0) this.abort('the group was closed');
    this.#closed = true;
    if (this.#signal && this.#onAbort) this.#signal.removeEventListener('abort', this.#onAbort);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function collectTransferables(value: unknown[], expected: number): TransferListItem[] {
  // structuredClone gave us fresh buffers; find them again so drivers can move them onward.
  const found: TransferListItem[] = [];
  const seen = new Set<unknown>();
  const visit = (v: unknown): void => {
    if (found.length >= expected || typeof v !== 'object' || v === null || seen.has(v)) return;
    seen.add(v);
    if (v instanceof ArrayBuffer) found.push(v);
    else if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer && !seen.has(v.buffer)) {
        seen.add(v.buffer);
        found.push(v.buffer);
      }
    } else if (Array.isArray(v)) for (const x of v) visit(x);
    else if (v instanceof Map) {
      for (const [k, x] of v) {
        visit(k);
        visit(x);
      }
    } else if (v instanceof Set) for (const x of v) visit(x);
    else if (Object.getPrototypeOf(v) === Object.prototype)
      for (const k in v) visit((v as Record<string, unknown>)[k]);
  };
  visit(value);
  return found;
}

/**
 * Routes a failure that has no open slot: to the handler when there is one, else to stderr.
 *
 * @example
 * ```ts
 * reportStray(undefined, failure, 3); // prints "isolane: slot 3 failed after it settled: ..."
 * ```
 */
export function reportStray(
  handler: ((failure: TaskFailure, slot: number) => void) | undefined,
  failure: TaskFailure,
  slot: number,
): void {
  if (handler) {
    try {
      handler(failure, slot);
      return;
    } catch (err) {
      process.stderr.write(`isolane: the onError handler threw: ${String(err)}\n`);
    }
  }
  process.stderr.write(
    `isolane: slot ${slot} failed after it settled (${failure.kind}): ${failure.name}: ${failure.message}\n${failure.stack ?? ''}\n`,
  );
}
