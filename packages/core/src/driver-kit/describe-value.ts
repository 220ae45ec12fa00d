/**
 * How a rejected option value is shown in an error message, the same way by every checker.
 */
import { textOf } from '../printable.js';

/**
 * A value as an error message shows it: strings quoted, `null`, arrays and objects by kind, anything
 * else as its type and text.
 *
 * @example
 * ```ts
 * describeValue('4'); // '"4"'
 * describeValue(4);   // 'number 4'
 * describeValue([]);  // 'an array'
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (typeof value === 'object') return isArray(value) ? 'an array' : 'an object';
  // Never throws: a function whose toString throws (or a Proxy of one) is shown by its type alone.
  return `${typeof value} ${textOf(value, '<unprintable>')}`;
}

function isArray(value: object): boolean {
  try {
    return Array.isArray(value);
  } catch {
    return false; // a revoked Proxy
  }
}
