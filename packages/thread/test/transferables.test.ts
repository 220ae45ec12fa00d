/** Which buffers of a result move back instead of being copied. */
import { describe, expect, it } from 'vitest';
import { resultTransferList } from '../src/transferables.js';

describe('resultTransferList', () => {
  it('finds a buffer or a view given directly', () => {
    const buffer = new ArrayBuffer(8);
    expect(resultTransferList(buffer)).toEqual([buffer]);
    const view = new Uint16Array(4);
    expect(resultTransferList(view)).toEqual([view.buffer]);
  });

  it('finds distinct buffers at the top level of arrays and plain objects only', () => {
    const a = new Uint8Array(4);
    const b = new Float32Array(a.buffer); // same buffer: listed once
    const c = new ArrayBuffer(2);
    const nested = { deeper: new ArrayBuffer(16) };
    expect(resultTransferList([a, b, c, nested, 1])).toEqual([a.buffer, c]);
    expect(resultTransferList({ a, c, nested, s: 'x' })).toEqual([a.buffer, c]);
  });

  it('ignores primitives, shared and empty buffers, and class instances', () => {
    expect(resultTransferList(42)).toBeUndefined();
    expect(resultTransferList(null)).toBeUndefined();
    expect(resultTransferList(new Int32Array(new SharedArrayBuffer(8)))).toBeUndefined();
    expect(resultTransferList(new ArrayBuffer(0))).toBeUndefined();
    expect(resultTransferList(new Map([[1, new ArrayBuffer(8)]]))).toBeUndefined();
  });
});
