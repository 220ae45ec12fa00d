import { describe, expect, it } from 'vitest';
import { snapshotArgs } from '../src/argument-snapshot.js';
import { unmarkBufferArgs } from '../src/buffer-codec.js';
import { isCaptureError } from '../src/errors.js';
import { transfer } from '../src/transfer.js';

describe('snapshotArgs', () => {
  it('passes primitives as they are, with nothing to transfer', () => {
    const args = [1, 'a', null, undefined, 2n];
    const snap = snapshotArgs(args);
    expect(snap.args).toBe(args);
    expect(snap.transfer).toBeUndefined();
  });

  it('copies objects, so a later mutation is not seen', () => {
    const input = { id: 1, tags: ['a'] };
    const snap = snapshotArgs([input]);
    input.id = 2;
    input.tags.push('b');
    expect(snap.args).toEqual([{ id: 1, tags: ['a'] }]);
    expect(snap.transfer).toBeUndefined();
  });

  it('moves transferred buffers into the snapshot and lists the moved ones', () => {
    const bytes = new Uint8Array(16).fill(7);
    const snap = snapshotArgs([{ id: 1 }, transfer(bytes)]);
    expect(bytes.byteLength).toBe(0); // detached: moved, not copied
    const sent = snap.args[1] as Uint8Array;
    expect([...sent]).toEqual(new Array(16).fill(7));
    expect(snap.transfer).toEqual([sent.buffer]);
    expect(snap.transfer?.[0]).toBe(sent.buffer);
  });

  it('marks Node Buffers so the runtime can rebuild them', () => {
    const snap = snapshotArgs([1, { data: Buffer.from('hi') }]);
    expect(snap.args).toHaveLength(3); // a leading marker, then the arguments
    const [data] = [(unmarkBufferArgs(snap.args)[1] as { data: unknown }).data];
    expect(Buffer.isBuffer(data)).toBe(true);
    expect(String(data)).toBe('hi');
  });

  it('refuses a non-portable argument with a CaptureError naming its path', () => {
    let error: unknown;
    try {
      snapshotArgs([{ db: { close() {} } }]);
    } catch (e) {
      error = e;
    }
    expect(isCaptureError(error)).toBe(true);
    expect(String(error)).toMatch(/args\[0\]\.db\.close/);
  });
});

describe('snapshotArgs: sparse arrays', () => {
  it('snapshots a 2^32-1-long sparse array (with a transferred buffer in it) without reading every hole', () => {
    const a: unknown[] = [];
    a.length = 2 ** 32 - 1;
    const bytes = new Uint8Array(4).fill(9);
    a[2 ** 32 - 2] = bytes;
    a[3] = Buffer.from('b');
    // A walk to `length` takes minutes; the test's time limit bounds it.
    // transfer() is typed for one buffer; a list moves buffers found anywhere inside the value.
    const { args, transfer: moved } = snapshotArgs([transfer(a as never as Uint8Array, [bytes.buffer])]);
    const sent = unmarkBufferArgs(args)[0] as unknown[];
    expect(sent.length).toBe(2 ** 32 - 1);
    expect(Buffer.isBuffer(sent[3])).toBe(true);
    expect(sent[2 ** 32 - 2]).toEqual(new Uint8Array(4).fill(9));
    expect(moved).toHaveLength(1);
    expect(bytes.byteLength).toBe(0);
  });
});
