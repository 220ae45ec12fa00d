/**
 * The numeric option checks every driver shares, so an option means the same under every driver and
 * never silently means something else: Node turns a timer of 2^31 ms or more into 1 ms, V8 ignores a
 * heap limit it cannot use (a thread then runs unlimited) and a child refuses to start with one, and an
 * unbounded `prespawn` lets a config start any number of processes. Each check throws a `TypeError`
 * for a non-number and a `RangeError` naming the option and its range for a number outside it.
 */

import { describeValue } from './describe-value.js';

/** Longest delay a Node timer honours (2^31 - 1 ms, about 24.8 days); longer ones fire after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/** Largest memory limit accepted, in MiB (1 TiB); V8's own heap limits are far below it. */
export const MAX_MEMORY_LIMIT_MB = 1_048_576;

/** Largest `concurrency` accepted: tasks running at once in one driver. */
export const MAX_CONCURRENCY = 4096;

/** Largest `prespawn` accepted: workers or child processes kept started while they wait for a task. */
export const MAX_PRESPAWN = 64;

/** Where a checked option's range starts and what else it accepts. */
export interface RangeOptions {
  /** Smallest value accepted (inclusive). */
  readonly min?: number | undefined;
  /** Largest value accepted (inclusive). */
  readonly max?: number | undefined;
  /** Accept `Infinity` (returned as is) as "no limit". */
  readonly infinity?: boolean | undefined;
  /** Only whole numbers. */
  readonly integer?: boolean | undefined;
}

/**
 * Checks a number against a range, naming the option and the range in the error.
 *
 * @example
 * ```ts
 * checkNumberInRange(3, 'options.retries', { min: 0, max: 10, integer: true }); // 3
 * checkNumberInRange(11, 'options.retries', { min: 0, max: 10, integer: true });
 * // RangeError: options.retries must be an integer from 0 to 10, got 11
 * ```
 */
export function checkNumberInRange(
  value: unknown,
  label: string,
  range: RangeOptions & { unit?: string },
): number {
  const min = range.min ?? 0;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const unit = range.unit ? ` ${range.unit}` : '';
  if (typeof value !== 'number') {
    throw new TypeError(`${label} must be a number${unit ? ` of${unit}` : ''}, got ${describeValue(value)}`);
  }
  if (range.infinity && value === Number.POSITIVE_INFINITY) return value;
  const ok =
    !Number.isNaN(value) && value >= min && value <= max && (!range.integer || Number.isInteger(value));
  if (!ok) {
    const kind = range.integer ? 'an integer' : `a number${unit ? ` of${unit}` : ''}`;
    const tail = range.integer && unit ? unit : '';
    throw new RangeError(
      `${label} must be ${kind} from ${min} to ${max}${tail}${range.infinity ? ' (or Infinity)' : ''}, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * Checks a timer option in milliseconds: at most {@link MAX_TIMER_MS}, because Node turns a longer
 * delay into 1 ms (an `idleTimeout: 2 ** 31` would reap every idle worker at once).
 *
 * @example
 * ```ts
 * checkTimerMs(30_000, 'options.idleTimeout', { min: 1, infinity: true }); // 30000
 * checkTimerMs(2 ** 31, 'options.lingerMs'); // RangeError: options.lingerMs must be a number of ms from 0 to 2147483647, got 2147483648
 * ```
 */
export function checkTimerMs(value: unknown, label: string, range: Omit<RangeOptions, 'max'> = {}): number {
  // Field by field, not `{ ...range, max, unit }`: on Node 20 an object spread followed by more
  // properties takes a slow path (~1-2 µs), and a WaitGroup with a `timeout` option checks it per group.
  return checkNumberInRange(value, label, {
    min: range.min,
    max: MAX_TIMER_MS,
    infinity: range.infinity,
    integer: range.integer,
    unit: 'ms',
  });
}

/**
 * Checks a memory option in MiB: finite, from `min` (default 1) to {@link MAX_MEMORY_LIMIT_MB}.
 *
 * @example
 * ```ts
 * checkMemoryMb(256, 'options.memoryLimitMb'); // 256
 * checkMemoryMb(1e300, 'options.memoryLimitMb'); // RangeError: … from 1 to 1048576 MiB …
 * ```
 */
export function checkMemoryMb(
  value: unknown,
  label: string,
  range: Pick<RangeOptions, 'min' | 'integer'> = {},
): number {
  return checkNumberInRange(value, label, {
    min: range.min ?? 1,
    max: MAX_MEMORY_LIMIT_MB,
    unit: 'MiB',
    ...(range.integer ? { integer: true } : {}),
  });
}

/**
 * Checks `prespawn`: an integer from 0 to {@link MAX_PRESPAWN}.
 *
 * @example
 * ```ts
 * checkPrespawn(2, 'options.prespawn'); // 2
 * checkPrespawn(100, 'options.prespawn'); // RangeError: options.prespawn must be an integer from 0 to 64, got 100
 * ```
 */
export function checkPrespawn(value: unknown, label: string): number {
  return checkNumberInRange(value, label, { min: 0, max: MAX_PRESPAWN, integer: true });
}
