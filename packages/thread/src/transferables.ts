/**
 * Which buffers of a task's result can move back to the parent instead of being copied. A worker runs
 * one task and is then discarded, so giving its buffers away costs it nothing and saves a copy of every
 * large result. Only the top level is searched: it keeps the scan O(1)-ish for large object graphs.
 */

/** A huge array of numbers is not worth scanning: whatever lies past this is copied, which is still correct. */
const SCAN_LIMIT = 1024;

/**
 * The distinct, transferable ArrayBuffers of `value` itself, or of its direct elements / own properties.
 *
 * @example
 * ```ts
 * resultTransferList(new Uint8Array(1024));        // [theUnderlyingArrayBuffer]
 * resultTransferList({ image: buf, name: 'x' });    // [buf.buffer]
 * resultTransferList(42);                          // undefined
 * ```
 */
export function resultTransferList(value: unknown): ArrayBuffer[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  let list: ArrayBuffer[] | undefined;
  const add = (v: unknown): void => {
    const buffer = v instanceof ArrayBuffer ? v : ArrayBuffer.isView(v) ? v.buffer : undefined;
    // SharedArrayBuffers are shared, not moved; a detached or empty buffer has nothing to save.
    if (!(buffer instanceof ArrayBuffer) || buffer.byteLength === 0) return;
    list ??= [];
    if (!list.includes(buffer)) list.push(buffer);
  };
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) add(value);
  else if (Array.isArray(value)) {
    for (let i = 0; i < Math.min(value.length, SCAN_LIMIT); i++) add(value[i]);
  } else if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
    const keys = Object.keys(value);
    for (let i = 0; i < Math.min(keys.length, SCAN_LIMIT); i++)
      add((value as Record<string, unknown>)[keys[i]!]);
  }
  return list;
}
