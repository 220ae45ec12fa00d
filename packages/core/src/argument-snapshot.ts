/**
 * What `go()` sends: a snapshot of the arguments taken at the call, so mutating an argument afterwards
 * never changes what the task sees. `transfer()`-wrapped buffers are moved into the snapshot, not copied,
 * and listed again so drivers can move them onward; Node Buffers are marked so the runtime rebuilds them.
 */
import type { TransferListItem } from 'node:worker_threads';
import { forEachElement } from './array-elements.js';
import { bufferPaths, markBufferArgs } from './buffer-codec.js';
import { assertPortableArgs } from './portable.js';
import { printable } from './printable.js';
import { isTransfer } from './transfer.js';

/** The arguments as a job carries them. */
export interface ArgumentSnapshot {
  readonly args: unknown[];
  /** Buffers to move rather than copy; undefined when nothing was wrapped in `transfer()`. */
  readonly transfer: TransferListItem[] | undefined;
}

/**
 * Snapshots a task's arguments. Primitives pass as they are (nothing to copy); anything else is checked
 * for portability (`CaptureError` naming the path) and structured-cloned (`TypeError` if it cannot be).
 *
 * @example
 * ```ts
 * const { args, transfer } = snapshotArgs([{ id: 1 }, transfer(bytes)]);
 * ```
 */
export function snapshotArgs(args: unknown[]): ArgumentSnapshot {
  if (allPrimitive(args)) return { args, transfer: undefined };
  let transfer: TransferListItem[] | undefined;
  let sendArgs = args.slice();
  for (let i = 0; i < sendArgs.length; i++) {
    const a = sendArgs[i];
    if (isTransfer(a)) {
      sendArgs[i] = a.value;
      transfer ??= [];
      transfer.push(...a.list);
    }
  }
  // Node Buffers clone to plain Uint8Arrays: list where they are, so the runtime rebuilds them.
  const moving = transfer ? new Set<unknown>(transfer) : undefined;
  const buffers = assertPortableArgs(sendArgs, moving) ? bufferPaths(sendArgs) : undefined;
  try {
    sendArgs = transfer ? structuredClone(sendArgs, { transfer }) : structuredClone(sendArgs);
  } catch (err) {
    throw new TypeError(`WaitGroup.go(): an argument cannot be cloned: ${printable(err)}`);
  }
  if (buffers) sendArgs = markBufferArgs(sendArgs, buffers);
  return { args: sendArgs, transfer: transfer ? collectTransferables(sendArgs, transfer.length) : undefined };
}

/**
 * Checks arguments as {@link snapshotArgs} does (`CaptureError` naming the path) without cloning them:
 * for a `go()` no task will run (its group is aborted), so `transfer()`-wrapped buffers stay attached.
 *
 * @example
 * ```ts
 * checkArgs([transfer(bytes)]); // bytes.byteLength is unchanged
 * ```
 */
export function checkArgs(args: unknown[]): void {
  if (allPrimitive(args)) return;
  const moving = new Set<unknown>();
  const values = args.map((a) => {
    if (!isTransfer(a)) return a;
    for (const item of a.list) moving.add(item);
    return a.value;
  });
  assertPortableArgs(values, moving);
}

function allPrimitive(args: unknown[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a !== null && (typeof a === 'object' || typeof a === 'function' || typeof a === 'symbol')) {
      return false;
    }
  }
  return true;
}

function collectTransferables(value: unknown[], expected: number): TransferListItem[] {
  // structuredClone gave us fresh buffers; find them again so drivers can move them onward.
  const found: TransferListItem[] = [];
  const seen = new Set<unknown>();
  const visit = (v: unknown): void => {
    if (found.length >= expected || typeof v !== 'object' || v === null || seen.has(v)) return;
    seen.add(v);
    if (v instanceof ArrayBuffer || v instanceof MessagePort) found.push(v);
    else if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer && !seen.has(v.buffer)) {
        seen.add(v.buffer);
        found.push(v.buffer);
      }
    } else if (Array.isArray(v)) forEachElement(v, visit);
    else if (v instanceof Map) {
      for (const [k, x] of v) {
        visit(k);
        visit(x);
      }
    } else if (v instanceof Set) for (const x of v) visit(x);
    else if (Object.getPrototypeOf(v) === Object.prototype)
      for (const k in v) visit((v as Record<string, unknown>)[k]);
  };
  visit(value);
  return found;
}
