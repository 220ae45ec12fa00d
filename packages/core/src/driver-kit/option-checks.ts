/**
 * One checker per shared option, used by `WaitGroup`, the config file and every driver constructor,
 * so a value is accepted or rejected the same way wherever it is given (`checkPrespawn` and the
 * generic range checks live in option-ranges.ts, `checkModuleHref` in module-href.ts). Each throws a `TypeError` for
 * a value of the wrong type and a `RangeError` for a number outside its range, naming the option (the
 * `label` the caller passes) and what it accepts.
 */
import { describeValue } from './describe-value.js';
import {
  checkMemoryMb,
  checkNumberInRange,
  checkTimerMs,
  MAX_CONCURRENCY,
  MAX_MEMORY_LIMIT_MB,
} from './option-ranges.js';

/**
 * Smallest `memoryLimitMb` accepted: below 8 MiB V8 cannot set up a heap for a worker (a thread with
 * 4 MiB dies of "out of memory" before its first task), so a smaller limit is a mistake, not a limit.
 */
export const MIN_MEMORY_LIMIT_MB = 8;

/**
 * Checks `concurrency`: an integer from 1 to 4096 (`MAX_CONCURRENCY`). A non-number (`"4"` too) is a
 * `TypeError` everywhere; a number outside the range or with a fraction a `RangeError`.
 *
 * @example
 * ```ts
 * checkConcurrency(4, 'options.concurrency');   // 4
 * checkConcurrency('4', 'options.concurrency'); // TypeError: options.concurrency must be a number, got "4"
 * checkConcurrency(0, 'options.concurrency');   // RangeError: options.concurrency must be an integer from 1 to 4096, got 0
 * ```
 */
export function checkConcurrency(value: unknown, label: string): number {
  return checkNumberInRange(value, label, { min: 1, max: MAX_CONCURRENCY, integer: true });
}

/**
 * Checks `memoryLimitMb`: a whole number of MiB from 8 (`MIN_MEMORY_LIMIT_MB`) to 1048576 (1 TiB,
 * `MAX_MEMORY_LIMIT_MB`). Whole, because a child process takes the limit as
 * `--max-old-space-size`, which refuses a fraction (the child would not start: `100.5` would work
 * under threads and break under fork); at least 8, because a smaller heap cannot even start a worker;
 * at most 1 TiB, because V8 silently ignores a limit it cannot use and the task would run unlimited.
 *
 * @example
 * ```ts
 * checkMemoryLimit(256, 'options.memoryLimitMb');   // 256
 * checkMemoryLimit(100.5, 'options.memoryLimitMb'); // RangeError: options.memoryLimitMb must be an integer from 8 to 1048576 MiB, got 100.5
 * ```
 */
export function checkMemoryLimit(value: unknown, label: string): number {
  return checkNumberInRange(value, label, {
    min: MIN_MEMORY_LIMIT_MB,
    max: MAX_MEMORY_LIMIT_MB,
    integer: true,
    unit: 'MiB',
  });
}

/**
 * Checks `timeout`: milliseconds from 0 to 2147483647 (Node turns a longer timer into 1 ms, so
 * `2 ** 31` would time every task out at once); 0 and `Infinity` mean none and are returned as 0.
 *
 * @example
 * ```ts
 * checkTimeout(5000, 'options.timeout');     // 5000
 * checkTimeout(Infinity, 'options.timeout'); // 0
 * checkTimeout(2 ** 31, 'options.timeout');  // RangeError: options.timeout must be a number of ms from 0 to 2147483647 (or Infinity), got 2147483648
 * ```
 */
export function checkTimeout(value: unknown, label: string): number {
  const ms = checkTimerMs(value, label, { infinity: true });
  return ms === Number.POSITIVE_INFINITY ? 0 : ms;
}

/**
 * Default `bootstrapTimeout` (ms): how long a worker's bootstrap may take before the worker is killed
 * and the tasks waiting for it fail with kind `bootstrap`. Generous: a bootstrap that opens a database
 * pool or warms a cache may take seconds; one that takes half a minute is stuck.
 */
export const DEFAULT_BOOTSTRAP_TIMEOUT_MS = 30_000;

/**
 * Checks `bootstrapTimeout`: a whole number of ms from 1 to 2147483647 (Node turns a longer timer into
 * 1 ms), or `Infinity` for no deadline (returned as is). 0 is refused: unlike a task's `timeout`, a
 * bootstrap deadline of "none" must be said with `Infinity`, so a 0 left over from arithmetic does not
 * silently remove the only bound on a stuck bootstrap.
 *
 * @example
 * ```ts
 * checkBootstrapTimeout(5000, 'options.bootstrapTimeout');     // 5000
 * checkBootstrapTimeout(Infinity, 'options.bootstrapTimeout'); // Infinity
 * checkBootstrapTimeout(-1, 'options.bootstrapTimeout');
 * // RangeError: options.bootstrapTimeout must be an integer from 1 to 2147483647 ms (or Infinity), got -1
 * ```
 */
export function checkBootstrapTimeout(value: unknown, label: string): number {
  return checkTimerMs(value, label, { min: 1, integer: true, infinity: true });
}

/**
 * Checks `globals`: an array of identifier names (what a bootstrap defines on `globalThis`).
 *
 * @example
 * ```ts
 * checkGlobals(['db'], 'options.globals'); // ['db']
 * ```
 */
export function checkGlobals(value: unknown, label: string): string[] {
  if (
    !Array.isArray(value) ||
    value.some((v) => typeof v !== 'string' || !/^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(v))
  ) {
    throw new TypeError(`${label} must be an array of identifier names, got ${describeValue(value)}`);
  }
  return value as string[];
}

/**
 * Checks `maxResultMb`: the largest result a task may send back, in MiB of its serialized form — a
 * number (fractions allowed) from 1 to 1048576. No default: without it a result of any size is sent.
 *
 * @example
 * ```ts
 * checkMaxResultMb(64, 'options.maxResultMb'); // 64
 * checkMaxResultMb(0, 'options.maxResultMb');  // RangeError: options.maxResultMb must be a number from 1 to 1048576 MiB, got 0
 * ```
 */
export function checkMaxResultMb(value: unknown, label: string): number {
  return checkMemoryMb(value, label);
}
