/**
 * Options of the pool and of each command, and their eager checks: a bad option throws at the call
 * site (`TypeError` for the wrong type, `RangeError` for a value out of range), naming the option.
 */
import { availableParallelism } from 'node:os';

/** Longest delay a Node timer honours (2^31 - 1 ms); longer ones would fire after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * Largest `concurrency` accepted (besides `Infinity`).
 *
 * @example
 * ```ts
 * new CommandPool({ concurrency: Math.min(jobs.length, MAX_CONCURRENCY) });
 * ```
 */
export const MAX_CONCURRENCY = 4096;

/**
 * Largest `maxBuffer` accepted, in bytes (256 MiB per stream, well under V8's longest string).
 *
 * @example
 * ```ts
 * pool.add('dump', 'pg_dump', ['db'], { maxBuffer: MAX_BUFFER_LIMIT });
 * ```
 */
export const MAX_BUFFER_LIMIT = 268_435_456;

/**
 * Default `maxBuffer`: 16 MiB kept per stream.
 *
 * @example
 * ```ts
 * if (r.ok && r.value.stdoutBytes > DEFAULT_MAX_BUFFER) console.warn('stdout was truncated');
 * ```
 */
export const DEFAULT_MAX_BUFFER = 16_777_216;

/**
 * Default `killGraceMs`: 5 s between SIGTERM and SIGKILL.
 *
 * @example
 * ```ts
 * new CommandPool({ killGraceMs: DEFAULT_KILL_GRACE_MS * 2 }); // slow shutdowns
 * ```
 */
export const DEFAULT_KILL_GRACE_MS = 5_000;

/**
 * Settings of one command (`pool.add(key, file, args, options)`); unset ones come from the pool.
 *
 * @example
 * ```ts
 * pool.add('eu', 'node', ['export.js'], { cwd: './jobs', timeout: 60_000, idleTimeout: 10_000 });
 * ```
 */
export interface CommandOptions {
  /** Working directory. */
  cwd?: string | URL;
  /** Environment variables, added to `process.env` unless `extendEnv` is false. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Start from `process.env` (default true). */
  extendEnv?: boolean;
  /** Run through a shell (`true` for `/bin/sh`, or a shell's path); the command is then one string. */
  shell?: boolean | string;
  /** Written to the command's stdin, which is then closed; without it stdin is empty. */
  input?: string | Uint8Array;
  /** Longest run, ms from the command's start; then its process group is killed → `timeout`. */
  timeout?: number;
  /** Longest silence (no stdout/stderr), ms; then its process group is killed → `timeout`. */
  idleTimeout?: number;
  /** Bytes kept per stream (stdout, stderr); the rest is counted and marked, not kept. */
  maxBuffer?: number;
  /** Between SIGTERM and SIGKILL when the command is stopped (timeout, abort, `stop()`). */
  killGraceMs?: number;
  /** Aborts this command: not started yet → never started; running → its process group is killed. */
  signal?: AbortSignal;
  /**
   * Start the command in a process group of its own (default true), so timeouts, aborts, `stop()`
   * and `signal()` reach every process it starts. `false` signals the command's own process only:
   * a faster spawn on Linux (no new session), but its children can outlive it.
   */
  processGroup?: boolean;
}

/**
 * Settings of a pool: its concurrency, and defaults for every command.
 *
 * @example
 * ```ts
 * const pool = new CommandPool({ concurrency: 4, timeout: 30_000, signal: AbortSignal.timeout(300_000) });
 * ```
 */
export interface CommandPoolOptions extends Omit<CommandOptions, 'input' | 'signal'> {
  /** Commands running at once; more wait in add() order (default: available parallelism). */
  concurrency?: number;
  /** Aborts every unfinished command of the pool. */
  signal?: AbortSignal;
}

/** A command's settings with the pool's defaults applied and checked. */
export interface ResolvedCommand {
  readonly file: string;
  readonly args: readonly string[];
  readonly command: string;
  readonly cwd: string | URL | undefined;
  readonly env: Readonly<Record<string, string | undefined>> | undefined;
  readonly extendEnv: boolean;
  readonly shell: boolean | string;
  readonly input: string | Uint8Array | undefined;
  readonly timeout: number;
  readonly idleTimeout: number;
  readonly maxBuffer: number;
  readonly killGraceMs: number;
  readonly processGroup: boolean;
  readonly signals: readonly AbortSignal[];
}

/**
 * Checks the pool's options; returns its concurrency.
 *
 * @example
 * ```ts
 * checkPoolOptions({ concurrency: 0 }); // RangeError: options.concurrency must be …
 * ```
 */
export function checkPoolOptions(options: unknown): { concurrency: number } {
  if (options === undefined) return { concurrency: availableParallelism() };
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  }
  const o = options as CommandPoolOptions;
  checkCommandOptions(o, 'options');
  let concurrency = availableParallelism();
  if (o.concurrency !== undefined) {
    concurrency = o.concurrency;
    if (typeof concurrency !== 'number') {
      throw new TypeError(`options.concurrency must be a number, got ${describe(concurrency)}`);
    }
    if (
      concurrency !== Number.POSITIVE_INFINITY &&
      !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= MAX_CONCURRENCY)
    ) {
      throw new RangeError(
        `options.concurrency must be an integer from 1 to ${MAX_CONCURRENCY} or Infinity, got ${concurrency}`,
      );
    }
  }
  return { concurrency };
}

/**
 * Checks one command's options (or the pool's command defaults), naming each bad option under `label`.
 *
 * @example
 * ```ts
 * checkCommandOptions({ timeout: -1 }, 'options'); // RangeError: options.timeout must be …
 * ```
 */
export function checkCommandOptions(options: unknown, label: string): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${label} must be an object, got ${describe(options)}`);
  }
  const o = options as CommandOptions;
  checkMs(o.timeout, `${label}.timeout`, 1);
  checkMs(o.idleTimeout, `${label}.idleTimeout`, 1);
  checkMs(o.killGraceMs, `${label}.killGraceMs`, 0);
  if (o.maxBuffer !== undefined) {
    if (typeof o.maxBuffer !== 'number') {
      throw new TypeError(`${label}.maxBuffer must be a number of bytes, got ${describe(o.maxBuffer)}`);
    }
    if (!Number.isInteger(o.maxBuffer) || o.maxBuffer < 0 || o.maxBuffer > MAX_BUFFER_LIMIT) {
      throw new RangeError(
        `${label}.maxBuffer must be an integer from 0 to ${MAX_BUFFER_LIMIT} bytes, got ${o.maxBuffer}`,
      );
    }
  }
  if (o.cwd !== undefined && typeof o.cwd !== 'string' && !(o.cwd instanceof URL)) {
    throw new TypeError(`${label}.cwd must be a string or a URL, got ${describe(o.cwd)}`);
  }
  if (o.env !== undefined) {
    if (typeof o.env !== 'object' || o.env === null) {
      throw new TypeError(`${label}.env must be an object of strings, got ${describe(o.env)}`);
    }
    for (const [name, value] of Object.entries(o.env)) {
      if (value !== undefined && typeof value !== 'string') {
        throw new TypeError(`${label}.env.${name} must be a string, got ${describe(value)}`);
      }
    }
  }
  if (o.extendEnv !== undefined && typeof o.extendEnv !== 'boolean') {
    throw new TypeError(`${label}.extendEnv must be a boolean, got ${describe(o.extendEnv)}`);
  }
  if (o.processGroup !== undefined && typeof o.processGroup !== 'boolean') {
    throw new TypeError(`${label}.processGroup must be a boolean, got ${describe(o.processGroup)}`);
  }
  if (o.shell !== undefined && typeof o.shell !== 'boolean' && typeof o.shell !== 'string') {
    throw new TypeError(`${label}.shell must be a boolean or a shell's path, got ${describe(o.shell)}`);
  }
  if (o.input !== undefined && typeof o.input !== 'string' && !(o.input instanceof Uint8Array)) {
    throw new TypeError(`${label}.input must be a string or a Uint8Array, got ${describe(o.input)}`);
  }
  if (o.signal !== undefined && !isAbortSignal(o.signal)) {
    throw new TypeError(`${label}.signal must be an AbortSignal, got ${describe(o.signal)}`);
  }
}

/**
 * Checks `add()`'s key, file and arguments.
 *
 * @example
 * ```ts
 * checkCommand('eu', 'node', ['export.js']);
 * ```
 */
export function checkCommand(key: unknown, file: unknown, args: unknown): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw new TypeError(`key must be a non-empty string, got ${describe(key)}`);
  }
  if (typeof file !== 'string' || file.length === 0) {
    throw new TypeError(`file (the command of '${key}') must be a non-empty string, got ${describe(file)}`);
  }
  if (args !== undefined) {
    if (!Array.isArray(args)) {
      throw new TypeError(`args (of '${key}') must be an array of strings, got ${describe(args)}`);
    }
    args.forEach((arg, i) => {
      if (typeof arg !== 'string') {
        throw new TypeError(`args[${i}] (of '${key}') must be a string, got ${describe(arg)}`);
      }
    });
  }
}

/**
 * A command's settings: its own options over the pool's defaults.
 *
 * @example
 * ```ts
 * const spec = resolveCommand('node', ['-v'], { timeout: 5_000 }, poolOptions);
 * ```
 */
export function resolveCommand(
  file: string,
  args: readonly string[],
  own: CommandOptions,
  pool: CommandPoolOptions,
): ResolvedCommand {
  const signals: AbortSignal[] = [];
  if (pool.signal) signals.push(pool.signal);
  if (own.signal) signals.push(own.signal);
  const shell = own.shell ?? pool.shell ?? false;
  return {
    file,
    args: [...args],
    command: shell === false ? formatCommand(file, args) : [file, ...args].join(' '),
    cwd: own.cwd ?? pool.cwd,
    env: own.env || pool.env ? { ...pool.env, ...own.env } : undefined,
    extendEnv: own.extendEnv ?? pool.extendEnv ?? true,
    shell,
    input: own.input,
    timeout: own.timeout ?? pool.timeout ?? Number.POSITIVE_INFINITY,
    idleTimeout: own.idleTimeout ?? pool.idleTimeout ?? Number.POSITIVE_INFINITY,
    maxBuffer: own.maxBuffer ?? pool.maxBuffer ?? DEFAULT_MAX_BUFFER,
    killGraceMs: own.killGraceMs ?? pool.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    processGroup: own.processGroup ?? pool.processGroup ?? true,
    signals,
  };
}

/**
 * A command line for messages: arguments with spaces or quotes are quoted.
 *
 * @example
 * ```ts
 * formatCommand('node', ['-e', 'console.log(1)']); // "node -e 'console.log(1)'"
 * ```
 */
export function formatCommand(file: string, args: readonly string[]): string {
  return [file, ...args].map((part) => (/^[\w@%+=:,./-]+$/.test(part) ? part : quote(part))).join(' ');
}

function quote(part: string): string {
  return `'${part.replaceAll("'", `'\\''`)}'`;
}

function checkMs(value: unknown, label: string, min: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number')
    throw new TypeError(`${label} must be a number of ms, got ${describe(value)}`);
  if (value === Number.POSITIVE_INFINITY) return;
  if (Number.isNaN(value) || value < min || value > MAX_TIMER_MS) {
    throw new RangeError(
      `${label} must be from ${min} to ${MAX_TIMER_MS} ms (or Infinity for none), got ${value}`,
    );
  }
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function'
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'object' || typeof value === 'function') return `a ${typeof value}`;
  return String(value);
}
