/**
 * How a rejected option value is shown in an error message, the same way by every checker.
 */

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
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
