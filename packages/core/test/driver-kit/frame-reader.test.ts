/**
 * FrameReader: frames cut out of any chunking, and every kind of bad input reported once, never thrown.
 */
import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { FRAME_KEY_BYTES, FrameReader } from '../../src/driver-kit/frame-reader.js';

const KEY = Buffer.alloc(FRAME_KEY_BYTES, 7);

function keyedFrame(value: unknown, key: Buffer = KEY): Buffer {
  const payload = serialize(value);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(payload.length, 0);
  return Buffer.concat([header, key, payload]);
}

function reader(keyed = true, maxFrameBytes?: number) {
  const frames: unknown[] = [];
  const corrupt: string[] = [];
  const r = new FrameReader({
    keyed,
    maxFrameBytes,
    onFrame: (v) => frames.push(v),
    onCorrupt: (d) => corrupt.push(d),
  });
  return { r, frames, corrupt };
}

describe('FrameReader', () => {
  it('decodes keyed frames however the bytes are chunked', () => {
    const stream = Buffer.concat([
      KEY,
      keyedFrame({ a: 1 }),
      keyedFrame([1, 'two', Buffer.from('x')]),
      keyedFrame('x'.repeat(100_000)),
    ]);
    for (const size of [1, 3, 20, 1000, stream.length]) {
      const { r, frames, corrupt } = reader();
      for (let at = 0; at < stream.length; at += size) r.push(stream.subarray(at, at + size));
      r.end();
      expect(corrupt).toEqual([]);
      expect(frames).toHaveLength(3);
      expect(frames[0]).toEqual({ a: 1 });
      expect(Buffer.isBuffer((frames[1] as unknown[])[2])).toBe(true);
      expect((frames[2] as string).length).toBe(100_000);
    }
  });

  it('keeps reading after a task patched Array.prototype.push/shift, Buffer.concat and Buffer methods', () => {
    const stream = Buffer.concat([KEY, keyedFrame({ a: 1 }), keyedFrame('x'.repeat(5_000)), keyedFrame([2])]);
    // The test's own bookkeeping uses no patched method (index assignment, not push).
    const frames: unknown[] = [];
    const corrupt: string[] = [];
    const r = new FrameReader({
      keyed: true,
      onFrame: (v) => {
        frames[frames.length] = v;
      },
      onCorrupt: (d) => {
        corrupt[corrupt.length] = d;
      },
    });
    const saved = {
      push: Array.prototype.push,
      shift: Array.prototype.shift,
      concat: Buffer.concat,
      read: Buffer.prototype.readUInt32BE,
      equals: Buffer.prototype.equals,
      subarray: Buffer.prototype.subarray,
    };
    const chunks: Buffer[] = [];
    for (let at = 0; at < stream.length; at += 7) chunks[chunks.length] = stream.subarray(at, at + 7);
    try {
      Array.prototype.push = function push(this: unknown[]) {
        return this.length;
      };
      Array.prototype.shift = () => undefined;
      Buffer.concat = () => Buffer.alloc(0);
      Buffer.prototype.readUInt32BE = () => 0;
      Buffer.prototype.equals = () => false;
      Buffer.prototype.subarray = function subarray(this: Buffer) {
        return Buffer.alloc(0);
      } as typeof Buffer.prototype.subarray;
      for (const chunk of chunks) r.push(chunk);
    } finally {
      Array.prototype.push = saved.push;
      Array.prototype.shift = saved.shift;
      Buffer.concat = saved.concat;
      Buffer.prototype.readUInt32BE = saved.read;
      Buffer.prototype.equals = saved.equals;
      Buffer.prototype.subarray = saved.subarray;
    }
    expect(corrupt).toEqual([]);
    expect(frames).toHaveLength(3);
    expect(frames[0]).toEqual({ a: 1 });
    expect((frames[1] as string).length).toBe(5_000);
    expect(frames[2]).toEqual([2]);
  });

  it('reports a frame without the key at once (a forgery), and reads nothing after it', () => {
    const { r, frames, corrupt } = reader();
    r.push(Buffer.concat([KEY, keyedFrame('ok'), keyedFrame('FORGED', Buffer.alloc(FRAME_KEY_BYTES))]));
    r.push(keyedFrame('after'));
    expect(frames).toEqual(['ok']);
    expect(corrupt).toHaveLength(1);
    expect(corrupt[0]).toMatch(/^bytes that are not a frame of the driver's/);
  });

  it('reports a huge length header as soon as the header is in (no waiting for gigabytes)', () => {
    const { r, corrupt } = reader(false);
    r.push(Buffer.from([0xff, 0xff, 0xff, 0xf0]));
    expect(corrupt).toEqual([
      expect.stringMatching(/announcing 4294967280 bytes, over the 2147483647-byte maximum/),
    ]);
  });

  it('reports a frame that does not deserialize', () => {
    const { r, corrupt } = reader(false);
    r.push(Buffer.from([0, 0, 0, 4, 0xff, 0x0f, 0xfe, 0xfe]));
    expect(corrupt).toEqual([expect.stringMatching(/^a frame that does not deserialize/)]);
  });

  it('reports an incomplete frame or key when the stream ends', () => {
    const a = reader();
    a.r.push(KEY.subarray(0, 5));
    a.r.end();
    expect(a.corrupt).toEqual(['an incomplete key (5 bytes) when the channel closed']);
    const b = reader();
    b.r.push(Buffer.concat([KEY, keyedFrame('whole'.repeat(20)).subarray(0, 30)]));
    b.r.end();
    expect(b.corrupt).toEqual(['an incomplete frame (30 bytes) when the channel closed']);
  });

  it('honours a smaller maximum', () => {
    const { r, corrupt } = reader(false, 10);
    const payload = serialize('x'.repeat(50));
    const header = Buffer.alloc(4);
    header.writeUInt32BE(payload.length, 0);
    r.push(Buffer.concat([header, payload]));
    expect(corrupt[0]).toMatch(/over the 10-byte maximum/);
  });
});
