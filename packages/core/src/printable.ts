/**
 * Turning a caller's or a task's value into text for a message, without ever throwing: a value whose
 * `toString`, `message` or `Symbol.toPrimitive` throws, an object without a prototype, a Proxy that
 * throws on every trap, a revoked Proxy — each still gives a message, never an exception in isolane's
 * own code.
 */

/** What a value that cannot be turned into text is shown as. */
export const UNPRINTABLE = '<unprintable value>';

const objectToString = Object.prototype.toString;

/**
 * A value as text: strings as they are, other primitives by `String()`, an Error (even one of another
 * realm) by its `message` (or `name`), other objects by `String()`; whatever throws on the way gives
 * `fallback` instead. Never throws.
 *
 * @example
 * ```ts
 * printable(42); // '42'
 * printable(new Error('boom')); // 'boom'
 * printable(Object.create(null)); // '<unprintable value>'
 * printable({ toString() { throw new Error(); } }, '<unprintable reason>'); // '<unprintable reason>'
 * ```
 */
export function printable(value: unknown, fallback: string = UNPRINTABLE): string {
  if (typeof value === 'string') return value;
  // String() of a symbol, bigint, number, boolean, null or undefined calls no user code.
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return String(value);
  if (isErrorValue(value)) {
    const message = readString(value, 'message');
    if (message) return message;
    const name = readString(value, 'name');
    if (name) return name;
  }
  return textOf(value, fallback);
}

/**
 * `String(value)` that never throws: `fallback` when the conversion throws (an object without a
 * prototype, a throwing `toString` or `Symbol.toPrimitive`, a revoked Proxy). An Error reads
 * `Name: message`, as `String()` gives it.
 *
 * @example
 * ```ts
 * textOf(new TypeError('bad')); // 'TypeError: bad'
 * textOf(Object.create(null)); // '<unprintable value>'
 * ```
 */
export function textOf(value: unknown, fallback: string = UNPRINTABLE): string {
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    return fallback;
  }
}

/**
 * True for an Error of this realm or another one (its `[object Error]` tag); false for anything whose
 * inspection throws (a revoked Proxy). Never throws.
 *
 * @example
 * ```ts
 * isErrorValue(new TypeError('x')); // true
 * isErrorValue({ message: 'x' }); // false
 * ```
 */
export function isErrorValue(value: unknown): value is Error {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return value instanceof Error || objectToString.call(value) === '[object Error]';
  } catch {
    return false;
  }
}

/**
 * Reads one property, or undefined when reading it throws (a throwing getter or Proxy trap). Never
 * throws.
 *
 * @example
 * ```ts
 * readProperty(new Error('x'), 'message'); // 'x'
 * readProperty(revokedProxy, 'message'); // undefined
 * ```
 */
export function readProperty(value: unknown, key: PropertyKey): unknown {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
  try {
    return (value as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** A property's value when it is a string (a getter that throws or returns anything else: undefined). */
function readString(value: object, key: string): string | undefined {
  const found = readProperty(value, key);
  return typeof found === 'string' ? found : undefined;
}
