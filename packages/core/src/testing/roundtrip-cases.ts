/**
 * Conformance cases for what crosses the boundary: structured-clone types, 16 MiB payloads, transfer().
 */
import assert from 'node:assert/strict';
import { transfer } from '../transfer.js';
import { group, valueIn } from './case-helpers.js';
import type { ConformanceCase } from './case-types.js';
import * as t from './fixtures/tasks.js';

function nested(depth: number): unknown {
  let v: unknown = { leaf: true };
  for (let i = 0; i < depth; i++) v = { level: i, child: v, list: [i] };
  return v;
}

/** Values in and out: types, size, transfer. */
export const ROUNDTRIP_CASES: readonly ConformanceCase[] = [
  {
    id: 'roundtrip-types',
    title: 'Map, Set, Date, BigInt, RegExp, typed arrays and 32-deep nesting round-trip intact',
    timeout: 30_000,
    async run(ctx) {
      const value = {
        map: new Map<unknown, unknown>([
          ['a', 1],
          [2, { b: [3] }],
        ]),
        set: new Set([1, 'two', 3n]),
        date: new Date('2024-02-29T12:34:56.789Z'),
        big: 2n ** 70n,
        re: /is(o)lane/giu,
        f64: new Float64Array([1.5, -0, Number.NaN, Number.POSITIVE_INFINITY]),
        u8: new Uint8Array([1, 2, 255]),
        i32: new Int32Array([-1, 2 ** 31 - 1]),
        deep: nested(32),
        special: [null, undefined, -0, Number.NaN, ''],
      };
      const wg = await group(ctx.driver());
      wg.go(t.echo, value);
      const [r] = await wg.wait();
      assert.deepEqual(valueIn(r), value);
      await wg.close();
    },
  },
  {
    id: 'roundtrip-16mib',
    title: 'a 16 MiB argument and a 16 MiB result round-trip intact',
    timeout: 60_000,
    async run(ctx) {
      const size = 16 * 1024 * 1024;
      const bytes = new Uint8Array(size);
      for (let i = 0; i < size; i += 4096) bytes[i] = i % 251;
      const wg = await group(ctx.driver());
      wg.go(t.checksum, bytes);
      wg.go(t.makeBytes, size, 7);
      const [sum, made] = await wg.wait();
      let expected = 0;
      for (let i = 0; i < size; i += 4096) expected = (expected + bytes[i]! * (i + 1)) % 1_000_000_007;
      assert.deepEqual(valueIn(sum), { length: size, sum: expected });
      const out = valueIn(made) as Uint8Array;
      assert.ok(out instanceof Uint8Array, 'the result must still be a Uint8Array');
      assert.equal(out.length, size);
      assert.equal(out[0], 7);
      assert.equal(out[size - 1], 7);
      await wg.close();
    },
  },
  {
    id: 'transfer',
    title: 'transfer() moves a buffer: the caller’s copy is detached and the task sees the data',
    timeout: 30_000,
    async run(ctx) {
      const bytes = new Uint8Array(1024 * 1024).fill(3);
      const wg = await group(ctx.driver());
      wg.go(t.checksum, transfer(bytes));
      assert.equal(
        bytes.byteLength,
        0,
        'a transferred buffer must be detached in the caller right after go()',
      );
      const [r] = await wg.wait();
      assert.equal((valueIn(r) as { length: number }).length, 1024 * 1024);
      await wg.close();
    },
  },
];
