/**
 * WaitGroup: the Go-style front door. `go()` starts a task and returns its slot; `wait()` resolves with
 * one result per slot, in `go()` order, and never rejects for task failures.
 */

import { checkArgs, snapshotArgs } from './argument-snapshot.js';
import { unwrapBufferResult } from './buffer-codec.js';
import { busyGroups } from './busy-groups.js';
import { inlineTaskSpec } from './capture/inline-task.js';
import type { Driver, Job, JobHandle } from './driver.js';
import { SpawnError } from './errors.js';
import { makeFailure, type TaskFailure, toFailure } from './failure.js';
import { checkSlot, GroupMessages } from './group-messages.js';
import { GroupSettings } from './group-settings.js';
import { GroupSlot, SettledRoute, type SlotHooks } from './group-slot.js';
import { checkMessage, snapshotMessage } from './message-check.js';
import { assertModuleExists } from './module-url.js';
import { isErrorValue, printable } from './printable.js';
import type { Result } from './result.js';
import type { SlotMessages } from './slot-messages.js';
import { reportStray } from './stray-routing.js';
import { moduleTaskSpec, type TaskSpec } from './task.js';
import { checkGroupOptions, type WaitGroupOptions } from './wait-group-options.js';

export type { WaitGroupOptions } from './wait-group-options.js';

/** A completion, as yielded by `for await (const c of wg)`. */
export interface Completion<T = unknown> {
  readonly index: number;
  readonly result: Result<T>;
}

/** Anything `go()` accepts: a module task (from `defineTask`) or an inline function. */
// biome-ignore lint/suspicious/noExplicitAny: task signatures are arbitrary; go() re-infers them.
export type AnyTask = (...args: any[]) => unknown;

const specCache = new WeakMap<Function, TaskSpec>();

// A slot reaches its group's private settle/stray/messages through these, set in WaitGroup's static
// block: the driver-facing sink stays out of WaitGroup's public surface.
let hooks: SlotHooks<WaitGroup>;
type Slot = GroupSlot<WaitGroup>;

/**
 * The failure of a group aborted with `reason`, whatever the reason is: a string or an Error's message
 * as the message (an Error is also kept as the cause); anything else as text, or
 * `the group was aborted: <unprintable reason>` when it has none (a throwing `toString`, a Proxy).
 */
function abortFailure(reason: unknown): TaskFailure {
  if (reason === undefined) return makeFailure('aborted', 'the group was aborted', { name: 'AbortError' });
  const message = printable(reason, UNPRINTABLE_REASON);
  if (!isErrorValue(reason)) return makeFailure('aborted', message, { name: 'AbortError' });
  return makeFailure('aborted', message, { name: 'AbortError', cause: toFailure(reason, 'aborted') });
}

const UNPRINTABLE_REASON = 'the group was aborted: <unprintable reason>';

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
  static {
    hooks = {
      settle: (group, index, result) => group.#settle(index, result),
      stray: (group, index, failure) => group.#stray(index, failure),
      fromTask: (group, index, frame) => group.#box(index).fromTask(frame),
    };
  }

  readonly #results: (Result<unknown> | undefined)[] = [];
  readonly #slots: (Slot | undefined)[] = [];
  readonly #order: number[] = [];
  readonly #settings: GroupSettings;
  #outstanding = 0;
  #driver: Driver | undefined;
  #driverError: unknown;
  // Allocated on first use: a group per request is common, and most never need them.
  #queued: { index: number; job: Job }[] | undefined;
  #waiters: (() => void)[] | undefined;
  #iterWaiters: (() => void)[] | undefined;
  #aborted: TaskFailure | undefined;
  #closed = false;
  #onAbort: (() => void) | undefined;
  #messages: GroupMessages | undefined; // its slots' two-way messages, made on first use
  #route: SettledRoute | undefined; // what its settled slots keep (group-slot.ts), made on first use
  readonly #options: WaitGroupOptions;

  constructor(options: WaitGroupOptions = {}) {
    const settings = new GroupSettings(checkGroupOptions(options));
    this.#settings = settings;
    this.#options = options;
    const driver = settings.driver;
    if (driver instanceof Promise) {
      driver.then(
        (d) => this.#useDriver(d),
        (err: unknown) => this.#failDriver(err),
      );
    } else {
      this.#driver = driver;
    }
    const signal = settings.signal;
    if (signal) {
      if (signal.aborted) this.abort(signal.reason);
      // Listened to only while the group is busy, so idle groups on a long-lived signal leak nothing.
      else this.#onAbort = () => this.abort(signal.reason);
    }
  }

  /** A group is listed for shutdown() and listens to its signal only while it has open slots. */
  #busy(busy: boolean): void {
    const signal = this.#settings.signal;
    if (busy) {
      busyGroups().add(this);
      if (signal && this.#onAbort) signal.addEventListener('abort', this.#onAbort, { once: true });
    } else {
      busyGroups().delete(this);
      if (signal && this.#onAbort) signal.removeEventListener('abort', this.#onAbort);
    }
  }

  /**
   * The driver this group runs on ('pool', 'thread', …, or a Driver instance's name); undefined only
   * while a JS/TS config file is still loading.
   */
  get driverName(): string | undefined {
    return this.#settings.driverName;
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
    const signal = this.#settings.signal;
    if (signal?.aborted && !this.#aborted) this.abort(signal.reason);
    const spec = this.#specOf(task);
    if (this.#aborted) {
      // No task will receive the arguments: check them, but leave transferred buffers attached.
      checkArgs(args);
      const index = this.#open();
      this.#settle(index, { ok: false, error: this.#aborted, ms: 0 });
      return index;
    }
    const { args: sendArgs, transfer } = snapshotArgs(args);
    const index = this.#open();
    const timeout = this.#settings.timeout;
    const job: Job = transfer
      ? { task: spec, args: sendArgs, transfer, ...(timeout ? { timeout } : {}) }
      : timeout
        ? { task: spec, args: sendArgs, timeout }
        : { task: spec, args: sendArgs };
    if (this.#driver) this.#start(index, job);
    else if (this.#driverError === undefined) {
      this.#queued ??= [];
      this.#queued.push({ index, job });
    } else this.#settle(index, { ok: false, error: toFailure(this.#driverError, 'bootstrap'), ms: 0 });
    return index;
  }

  /** Takes the next slot index (an open slot: the group is busy until it settles). */
  #open(): number {
    const index = this.#results.length;
    this.#results.push(undefined);
    this.#slots.push(undefined);
    if (this.#outstanding++ === 0) this.#busy(true);
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
    const globals = this.#settings.globals;
    let spec = moduleTaskSpec(task);
    if (spec?.kind === 'module') assertModuleExists(spec.module);
    else spec = inlineTaskSpec(task, globals);
    // Only cache specs that do not depend on this group's allowed globals.
    if (spec.kind === 'module' || globals.size === 0) specCache.set(task, spec);
    return spec;
  }

  #start(index: number, job: Job): void {
    const slot = new GroupSlot(hooks, this, index);
    this.#slots[index] = slot;
    try {
      const handle = this.#driver!.start(job, slot);
      if (this.#results[index] === undefined) slot.handle = handle; // unless it settled in start()
      this.#messages?.get(index)?.attach(handle, this.#driver!.name);
    } catch (err) {
      this.#settle(index, { ok: false, error: toFailure(err, 'crashed'), ms: 0 });
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
      this.#settle(index, { ok: false, error: toFailure(this.#driverError, 'bootstrap'), ms: 0 });
    }
  }

  /** Records a slot's one result (a second one is ignored) and wakes whoever waits. */
  #settle(index: number, result: Result<unknown>): void {
    if (this.#results[index] !== undefined) return; // exactly one result per slot
    if (result.ok && typeof result.value === 'object' && result.value !== null) {
      const value = unwrapBufferResult(result.value);
      if (value !== result.value) result = { ...result, value };
    }
    this.#results[index] = result;
    const slot = this.#slots[index];
    this.#slots[index] = undefined;
    // Without messages a settled slot needs nothing of the group: the driver may keep it a while.
    if (slot !== undefined && this.#messages === undefined) {
      this.#route ??= new SettledRoute(this.#settings.onError);
      slot.detach(this.#route);
    }
    this.#messages?.get(index)?.settle();
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

  /** A failure a slot's task caused: it fails the slot while open, else goes to `onError` (or stderr). */
  #stray(index: number, failure: TaskFailure): void {
    if (this.#results[index] === undefined) this.#settle(index, { ok: false, error: failure, ms: 0 });
    else reportStray(this.#settings.onError, failure, index);
  }

  /**
   * Sends a message to the task of `slot` (`taskContext().receive()`), checked and cloned at the call (a
   * `CaptureError` rejects this call only). Resolves once handed to the driver: at once while the task's
   * inbox has room (`MESSAGE_WINDOW`). After the slot settled it is dropped and counted.
   */
  send(slot: number, message: unknown): Promise<void> {
    try {
      checkSlot(slot, this.#results.length, 'send');
      checkMessage(message, 'WaitGroup.send()');
      return this.#box(slot).send(snapshotMessage(message, 'WaitGroup.send()'));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** The task's messages (`taskContext().send()`) in order, until its slot settled; none with `onMessage`. */
  messages(slot: number): AsyncIterable<unknown> {
    checkSlot(slot, this.#results.length, 'messages');
    return this.#box(slot).messages();
  }

  /** The latest value the task of `slot` gave `taskContext().progress()`; undefined before any. */
  progress(slot: number): unknown {
    checkSlot(slot, this.#results.length, 'progress');
    return this.#messages?.get(slot)?.progress;
  }

  /** Messages dropped because their slot had settled (in either direction). */
  get droppedMessages(): number {
    return (this.#messages?.dropped ?? 0) + (this.#route?.dropped ?? 0);
  }

  /** A task that breaks its message window: its slot fails (a stray, once settled), its job stops. */
  #box(index: number): SlotMessages {
    this.#messages ??= new GroupMessages(this.#options, this, (i, failure) => {
      const handle = this.#slots[i]?.handle;
      this.#stray(i, failure);
      handle?.abort(failure);
    });
    return this.#messages.box(index, this.#slots[index]?.handle, this.#results[index] !== undefined);
  }

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
    const failure = abortFailure(reason);
    this.#aborted = failure;
    this.#queued = undefined;
    // Every open slot settles first; then the work stops, newest first: a driver's FIFO holds this
    // group's waiting jobs behind its running ones, so the waiting ones are dropped before a running
    // one frees its place (else each freed place would start the next doomed job).
    const running: [index: number, handle: JobHandle][] = [];
    for (let i = 0; i < this.#results.length; i++) {
      if (this.#results[i] !== undefined) continue;
      const handle = this.#slots[i]?.handle; // taken first: a settled slot lets go of its handle
      this.#settle(i, { ok: false, error: failure, ms: 0 });
      if (handle) running.push([i, handle]);
    }
    for (let i = running.length - 1; i >= 0; i--) {
      const [index, handle] = running[i]!;
      try {
        handle.abort(failure);
      } catch (err) {
        // The slot has its result; a driver that fails to stop the work must not stop the others'.
        reportStray(this.#settings.onError, toFailure(err, 'crashed'), index);
      }
    }
  }

  /** Aborts what is unfinished and releases the group. Shared drivers stay warm for other groups. */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#outstanding > 0) this.abort('the group was closed');
    this.#closed = true;
    if (this.#settings.signal && this.#onAbort)
      this.#settings.signal.removeEventListener('abort', this.#onAbort);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
