/**
 * The conformance case for Node Buffers: a Buffer argument reaches the task as a Buffer, and a Buffer
 * result comes back as one, at the top level and nested, under every driver (structured clone alone
 * would give plain Uint8Arrays; V8's serializer keeps Buffers: the drivers must not differ).
 */
import assert from 'node:assert/strict';
import type { Result } from '../result.js';
import { WaitGroup } from '../wait-group.js';
import type { ConformanceCase } from './cases.js';

function resultValue(r: Result<unknown> | undefined): unknown {
  assert.ok(r, 'missing result');
  assert.ok(r.ok, `expected a value, got the failure ${r.ok ? '' : `${r.error.kind}: ${r.error.message}`}`);
  return r.value;
}

/**
 * The Buffer round-trip case (registered in CONFORMANCE_CASES).
 *
 * @example
 * ```ts
 * await BUFFER_ROUNDTRIP_CASE.run(ctx);
 * ```
 */
export const BUFFER_ROUNDTRIP_CASE: ConformanceCase = {
  id: 'buffer-roundtrip',
  title: 'Buffer arguments and results arrive as Buffers (top level, nested, in Maps and Sets)',
  timeout: 30_000,
  async run(ctx) {
    const wg = new WaitGroup({ driver: ctx.driver() });
    wg.go(
      (b: Buffer, o: { nested: Buffer[]; m: Map<string, Buffer>; s: Set<Buffer>; u: Uint8Array }) => [
        Buffer.isBuffer(b),
        b.toString('utf8'),
        Buffer.isBuffer(o.nested[0]),
        Buffer.isBuffer(o.m.get('k')),
        Buffer.isBuffer([...o.s][0]),
        Buffer.isBuffer(o.u),
        o.nested[0]?.toString('hex'),
      ],
      Buffer.from('héllo'),
      {
        nested: [Buffer.from([0xca, 0xfe])],
        m: new Map([['k', Buffer.from('v')]]),
        s: new Set([Buffer.from('s')]),
        u: new Uint8Array([1]),
      },
    );
    wg.go(() => Buffer.from('from the task'));
    wg.go(() => ({ list: [Buffer.from([1, 2, 3])], plain: new Uint8Array([4]) }));
    const [seen, top, nested] = await wg.wait();
    assert.deepEqual(
      resultValue(seen),
      [true, 'héllo', true, true, true, false, 'cafe'],
      'what the task saw: Buffers as Buffers, a Uint8Array as a Uint8Array',
    );
    const topValue = resultValue(top);
    assert.ok(Buffer.isBuffer(topValue), 'a Buffer result must arrive as a Buffer');
    assert.equal(topValue.toString('utf8'), 'from the task');
    const nestedValue = resultValue(nested) as { list: unknown[]; plain: unknown };
    assert.ok(Buffer.isBuffer(nestedValue.list[0]), 'a nested Buffer result must arrive as a Buffer');
    assert.deepEqual([...(nestedValue.list[0] as Buffer)], [1, 2, 3]);
    assert.ok(!Buffer.isBuffer(nestedValue.plain), 'a Uint8Array result stays a Uint8Array');
    await wg.close();
  },
};
