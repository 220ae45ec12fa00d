/**
 * Checks a signal name against the ones this platform knows, so a typo is an error at the call site
 * rather than an `ERR_UNKNOWN_SIGNAL` thrown deep inside a kill.
 */
import { constants } from 'node:os';

/**
 * Throws a `TypeError` naming `label` unless `value` is a signal name such as 'SIGTERM'.
 *
 * @example
 * ```ts
 * checkSignalName('SIGTREM', 'signal'); // TypeError: signal must be a signal name such as 'SIGTERM', got 'SIGTREM'
 * ```
 */
export function checkSignalName(value: unknown, label: string): asserts value is NodeJS.Signals {
  if (typeof value !== 'string' || !Object.hasOwn(constants.signals, value)) {
    const got = typeof value === 'string' ? `'${value}'` : String(value);
    throw new TypeError(`${label} must be a signal name such as 'SIGTERM', got ${got}`);
  }
}
