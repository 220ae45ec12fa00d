/**
 * Transfer markers: an argument wrapped by `transfer()` moves its buffers to the worker instead of
 * copying them.
 */
import type { MessagePort, TransferListItem } from 'node:worker_threads';

const TRANSFER_BRAND = Symbol.for('isolane.transfer');

/** An argument wrapped by {@link transfer}. */
export interface Transfer<T> {
  readonly [TRANSFER_BRAND]: true;
  readonly value: T;
  readonly list: readonly TransferListItem[];
}

/**
 * Marks an argument whose buffers move to the worker instead of being copied. The caller's buffer
 * becomes detached (length 0) once the task is sent.
 *
 * @example
 * ```ts
 * const buf = new Uint8Array(16 << 20);
 * wg.go(checksum, transfer(buf)); // the task receives the Uint8Array; no 16 MiB copy
 * ```
 */
export function transfer<T extends ArrayBuffer | ArrayBufferView | MessagePort>(
  value: T,
  list?: readonly TransferListItem[],
): T {
  let buffers: readonly TransferListItem[];
  if (list) buffers = list;
  else if (ArrayBuffer.isView(value)) buffers = [value.buffer as ArrayBuffer];
  else buffers = [value as TransferListItem];
  return { [TRANSFER_BRAND]: true, value, list: buffers } as unknown as T;
}

/**
 * True for an argument wrapped by {@link transfer}.
 *
 * @example
 * ```ts
 * isTransfer(transfer(new ArrayBuffer(8))); // true
 * ```
 */
export function isTransfer(value: unknown): value is Transfer<unknown> {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[TRANSFER_BRAND] === true
  );
}
