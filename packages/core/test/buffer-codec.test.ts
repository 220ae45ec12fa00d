import { describe, expect, it } from 'vitest';
import {
  bufferPaths,
  markBufferArgs,
  reviveBuffers,
  unmarkBufferArgs,
  unwrapBufferResult,
  wrapBufferResult,
} from '../src/buffer-codec.js';

/** What a clone does to Buffers: plain Uint8Arrays over copied bytes. */
const cloned = <T>(value: T): T => structuredClone(value);

describe('bufferPaths', () => {
  it('lists every Buffer with its path through objects, arrays, Maps, Sets and Error causes', () => {
    const value = {
      a: Buffer.from('a'),
      u: new Uint8Array(2),
      list: [1, Buffer.from('b')],
      map: new Map<unknown, unknown>([[Buffer.from('key'), Buffer.from('value')]]),
      set: new Set([1, Buffer.from('s')]),
      err: new Error('e', { cause: Buffer.from('c') }),
    };
    expect(bufferPaths(value)).toEqual([
      ['a'],
      ['list', 1],
      ['map', ['k', 0]],
      ['map', ['m', 0]],
      ['set', ['s', 1]],
      ['err', 'cause'],
    ]);
  });

  it('a root Buffer, none at all, and cycles walked once', () => {
    expect(bufferPaths(Buffer.from('x'))).toEqual([[]]);
    expect(bufferPaths({ u: new Uint8Array(1), n: 1 })).toEqual([]);
    const cyclic: Record<string, unknown> = { b: Buffer.from('x') };
    cyclic.self = cyclic;
    expect(bufferPaths(cyclic)).toEqual([['b']]);
  });
});

describe('reviveBuffers', () => {
  it('rebuilds Buffers over the cloned bytes and keeps plain Uint8Arrays as they are', () => {
    const shared = Buffer.from('shared');
    const value = {
      a: Buffer.from('a'),
      u: new Uint8Array([7]),
      map: new Map<unknown, unknown>([['k', Buffer.from('v')]]),
      set: new Set([Buffer.from('s'), 2]),
      x: shared,
      y: shared,
    };
    const back = reviveBuffers(cloned(value), bufferPaths(value));
    expect(Buffer.isBuffer(back.a) && back.a.toString()).toBe('a');
    expect(Buffer.isBuffer(back.u)).toBe(false);
    expect(Buffer.isBuffer(back.map.get('k'))).toBe(true);
    expect([...back.set].map((m) => Buffer.isBuffer(m))).toEqual([true, false]);
    expect(back.x).toBe(back.y);
    expect(Buffer.isBuffer(back.x)).toBe(true);
  });
});

describe('arguments and results', () => {
  it('marked arguments lose their marker and get their Buffers back', () => {
    const args = [Buffer.from('hi'), 2];
    const sent = markBufferArgs(cloned(args), bufferPaths(args));
    expect(sent).toHaveLength(3);
    const received = unmarkBufferArgs(cloned(sent));
    expect(received).toHaveLength(2);
    expect(Buffer.isBuffer(received[0])).toBe(true);
    expect(received[1]).toBe(2);
  });

  it('arguments without a marker are passed through untouched', () => {
    const args = [{ a: 1 }, new Uint8Array(1)];
    expect(unmarkBufferArgs(args)).toBe(args);
  });

  it('a result with Buffers is wrapped and unwrapped; one without is left alone', () => {
    const value = { out: Buffer.from('out') };
    const back = unwrapBufferResult(cloned(wrapBufferResult(value))) as typeof value;
    expect(Buffer.isBuffer(back.out) && back.out.toString()).toBe('out');
    const plain = { n: 1 };
    expect(wrapBufferResult(plain)).toBe(plain);
    expect(unwrapBufferResult(plain)).toBe(plain);
  });
});

describe('bufferPaths: sparse arrays', () => {
  it('finds a Buffer at the end of a 2^32-1-long sparse array without reading every hole', () => {
    const a: unknown[] = [];
    a.length = 2 ** 32 - 1;
    a[2 ** 32 - 2] = Buffer.from('hi');
    // A walk to `length` takes minutes; the test's time limit bounds it.
    expect(bufferPaths([a])).toEqual([[0, 2 ** 32 - 2]]);
  });
});
