/**
 * Names of JavaScript's binary-data classes, shared by capture checking (they are standard globals)
 * and portability (structured clone copies them faithfully).
 */

/** ArrayBuffer, SharedArrayBuffer, DataView and every typed array constructor. */
export const BINARY_CLASS_NAMES = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float16Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;
