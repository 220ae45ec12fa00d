/**
 * `CommandPool`: shell-level parallelism with isolane's rules — every `add()` yields exactly one
 * result, a failure never stops the pool, results are data (`CommandResult`), and stopping a command
 * stops every process it started.
 */
import { makeFailure } from '@isolane/core';
import { type CommandResult, emptyOutput, failedResult } from './command-result.js';
import {
  type CommandOptions,
  type CommandPoolOptions,
  checkCommand,
  checkCommandOptions,
  checkPoolOptions,
  type ResolvedCommand,
  resolveCommand,
} from './options.js';
import { type LineHandler, type RunningCommand, type StopReason, startCommand } from './run-command.js';
import { checkSignalName } from './signal-name.js';

/**
 * One finished command, as `for await (const { key, result } of pool)` yields it.
 *
 * @example
 * ```ts
 * for await (const { key, result } of pool) console.log(key, result.ok);
 * ```
 */
export interface Completion<K extends string = string> {
  key: K;
  result: CommandResult;
}

interface Slot<K extends string> {
  readonly key: K;
  readonly spec: ResolvedCommand;
  run?: RunningCommand;
  result?: CommandResult;
  /** Stops watching the command's own signal for its time in the queue. */
  unwatch?: () => void;
}

/**
 * Runs commands in parallel under a concurrency limit, each with its own timeouts, and collects one
 * `CommandResult` per key. Commands added before `start()` wait for it (so the line handler sees
 * every line); `wait()` and iteration start the pool if needed.
 *
 * @example
 * ```ts
 * const pool = new CommandPool({ concurrency: 4, timeout: 30_000 });
 * pool.add('eu', 'node', ['export.js', '--region=eu'], { timeout: 60_000, idleTimeout: 10_000 });
 * pool.add('us', 'node', ['export.js', '--region=us']);
 * pool.start(({ key, line }) => console.log(`[${key}] ${line}`));
 * const { eu, us } = await pool.wait();
 * ```
 */
export class CommandPool<K extends string = string> implements AsyncIterable<Completion<K>> {
  readonly concurrency: number;
  private readonly options: CommandPoolOptions;
  private readonly slots = new Map<K, Slot<K>>();
  private readonly queue: Slot<K>[] = [];
  private readonly active = new Set<Slot<K>>();
  private readonly completed: Completion<K>[] = [];
  private waiters: Array<() => void> = [];
  private onLine: LineHandler<K> | undefined;
  private started = false;
  private stopped = false;

  constructor(options: CommandPoolOptions = {}) {
    this.concurrency = checkPoolOptions(options).concurrency;
    this.options = { ...options };
    this.options.signal?.addEventListener('abort', () => this.abortQueued(this.options.signal!.reason), {
      once: true,
    });
  }

  /** Commands added so far. */
  get size(): number {
    return this.slots.size;
  }

  /**
   * Adds a command under a unique key. It runs once the pool is started and a slot is free; its
   * options override the pool's. Bad arguments throw here, naming them; everything that happens to
   * the command afterwards (not found, non-zero exit, timeout, …) is its result.
   *
   * @example
   * ```ts
   * pool.add('lint', 'npm', ['run', 'lint'], { cwd: repo, timeout: 120_000 });
   * pool.add('tree', 'sh -c "sleep 1 & wait"', [], { shell: true });
   * ```
   */
  add(key: K, file: string, args: readonly string[] = [], options: CommandOptions = {}): this {
    checkCommand(key, file, args);
    checkCommandOptions(options, `options (of '${key}')`);
    if (this.slots.has(key)) throw new RangeError(`key '${key}' is already in the pool`);
    const slot: Slot<K> = { key, spec: resolveCommand(file, args, options, this.options) };
    this.slots.set(key, slot);
    if (this.stopped) {
      this.settle(slot, this.notStarted(slot, 'the pool was stopped'));
      return this;
    }
    const aborted = slot.spec.signals.find((s) => s.aborted);
    if (aborted) {
      this.settle(slot, this.notStarted(slot, aborted.reason));
      return this;
    }
    if (options.signal) {
      const signal = options.signal;
      const onAbort = (): void => {
        const at = this.queue.indexOf(slot);
        if (at < 0) return; // started: startCommand watches the signal itself
        this.queue.splice(at, 1);
        this.settle(slot, this.notStarted(slot, signal.reason));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      slot.unwatch = () => signal.removeEventListener('abort', onAbort);
    }
    this.queue.push(slot);
    this.pump();
    return this;
  }

  /**
   * Starts running the added commands (and those added later). `onLine` receives every line of every
   * command, by key and stream; if it returns a promise, that command's output is paused until it
   * settles. Calling `start()` again is a no-op; a second handler is a `TypeError`.
   *
   * @example
   * ```ts
   * pool.start(({ key, stream, line }) => log.info({ key, stream }, line));
   * ```
   */
  start(onLine?: LineHandler<K>): this {
    if (onLine !== undefined && typeof onLine !== 'function') {
      throw new TypeError(`onLine must be a function, got ${typeof onLine}`);
    }
    if (this.started) {
      if (onLine && onLine !== this.onLine) {
        throw new TypeError(
          'onLine: the pool was already started (pass the line handler to the first start())',
        );
      }
      return this;
    }
    this.started = true;
    this.onLine = onLine;
    this.pump();
    return this;
  }

  /**
   * Keys of the commands running now, in the order they started.
   *
   * @example
   * ```ts
   * setInterval(() => console.log('still running:', pool.running().join(', ')), 5_000).unref();
   * ```
   */
  running(): K[] {
    return [...this.active].map((slot) => slot.key);
  }

  /**
   * Sends a signal to every running command's whole process group; returns the keys signalled. What
   * the command does with it is its result (a command killed by it fails as `crashed`, `SignalError`).
   *
   * @example
   * ```ts
   * pool.signal('SIGUSR1'); // e.g. ask every worker to reopen its logs
   * ```
   */
  signal(signal: NodeJS.Signals): K[] {
    checkSignalName(signal, 'signal');
    return [...this.active].filter((slot) => slot.run?.signal(signal)).map((slot) => slot.key);
  }

  /**
   * Stops the pool: commands not started yet fail as `aborted` without running; running ones get
   * SIGTERM on their process group, then SIGKILL after `killGraceMs`, and fail as `aborted`. Commands
   * added afterwards fail at once. Resolves when every result is in.
   *
   * @example
   * ```ts
   * process.once('SIGINT', () => void pool.stop());
   * ```
   */
  async stop(): Promise<void> {
    this.stopped = true;
    const reason: StopReason = { kind: 'aborted', name: 'AbortError', message: '' };
    for (const slot of this.queue.splice(0)) this.settle(slot, this.notStarted(slot, 'the pool was stopped'));
    for (const slot of this.active) {
      slot.run?.stop({ ...reason, message: `${slot.spec.command} was stopped: the pool was stopped` });
    }
    await this.allSettled();
  }

  /**
   * Starts the pool if needed and resolves when every command added so far has a result: an object
   * keyed by command, in add() order (JavaScript lists integer-like keys such as '2' first). Never
   * rejects for a command's failure.
   *
   * @example
   * ```ts
   * const results = await pool.wait();
   * for (const [key, r] of Object.entries(results)) console.log(key, r.ok ? 'ok' : r.error.message);
   * ```
   */
  async wait(): Promise<Record<K, CommandResult>> {
    this.start();
    await this.allSettled();
    const results = {} as Record<K, CommandResult>;
    for (const slot of this.slots.values()) results[slot.key] = slot.result as CommandResult;
    return results;
  }

  /**
   * Yields `{ key, result }` as commands finish (completion order), starting the pool if needed; ends
   * when every command added so far has finished.
   *
   * @example
   * ```ts
   * for await (const { key, result } of pool) if (!result.ok) console.error(key, result.error.message);
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncIterator<Completion<K>> {
    this.start();
    let next = 0;
    for (;;) {
      while (next < this.completed.length) yield this.completed[next++] as Completion<K>;
      if (next >= this.slots.size) return;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /**
   * `await using pool = new CommandPool()`: stops whatever is still running when the scope ends.
   *
   * @example
   * ```ts
   * await using pool = new CommandPool({ timeout: 10_000 });
   * ```
   */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private pump(): void {
    if (!this.started || this.stopped) return;
    while (this.active.size < this.concurrency && this.queue.length > 0) {
      const slot = this.queue.shift() as Slot<K>;
      slot.unwatch?.();
      this.active.add(slot);
      const run = startCommand(slot.key, slot.spec, this.onLine);
      slot.run = run;
      void run.done.then((result) => {
        this.active.delete(slot);
        this.settle(slot, result);
        this.pump();
      });
    }
  }

  private settle(slot: Slot<K>, result: CommandResult): void {
    slot.unwatch?.();
    slot.result = result;
    this.completed.push({ key: slot.key, result });
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private abortQueued(reason: unknown): void {
    // Running commands watch the pool's signal themselves (see startCommand).
    for (const slot of this.queue.splice(0)) this.settle(slot, this.notStarted(slot, reason));
  }

  private notStarted(slot: Slot<K>, reason: unknown): CommandResult {
    const why = reason instanceof Error ? reason.message : reason === undefined ? 'aborted' : String(reason);
    const failure = makeFailure('aborted', `${slot.spec.command} was aborted before it started: ${why}`);
    return failedResult(failure, emptyOutput(slot.spec.command));
  }

  private async allSettled(): Promise<void> {
    while (this.completed.length < this.slots.size) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}
