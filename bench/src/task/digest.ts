/**
 * A short, stable fingerprint of a task's result, so results can be compared across runners without
 * shipping them back: the structured-clone bytes (what crosses every boundary) hashed with SHA-1. The
 * value is cloned once first: V8 writes a number held as a double (`2` after `0.5`) differently from
 * the same number as an integer, and a clone settles that, so a value and its copy hash alike.
 */
import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { Outcome } from './runners.js';

/**
 * The digest of an outcome: 12 hex characters of the value's hash, or `failed:<kind>`.
 *
 * @example
 * ```ts
 * digestOutcome({ ok: true, value: 42 }); // '4f1a0c2e9b7d'
 * digestOutcome({ ok: false, failure: { kind: 'threw', name: 'Error', message: 'x' } }); // 'failed:threw'
 * ```
 */
export function digestOutcome(outcome: Outcome): string {
  if (!outcome.ok) return `failed:${outcome.failure.kind}`;
  let bytes: Buffer;
  try {
    bytes = serialize(deserialize(serialize(outcome.value)));
  } catch {
    // Not cloneable (a function under the serial reference): compare its text form instead.
    bytes = Buffer.from(`unserializable:${String(outcome.value)}`);
  }
  return createHash('sha1').update(bytes).digest('hex').slice(0, 12);
}
