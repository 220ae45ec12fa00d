/**
 * The conformance case for sparse arrays: an argument or result `a` with `a.length = 2 ** 32 - 1` and a
 * few elements crosses every driver at the cost of its elements, as structured clone does (a check
 * walking every index would block `go()` and the worker for minutes).
 */
import assert from 'node:assert/strict';
import { WaitGroup } from '../wait-group.js';
import type { ConformanceCase } from './cases.js';
import * as t from './fixtures/tasks.js';

/**
 * The sparse-array round-trip case (registered in CONFORMANCE_CASES).
 *
 * @example
 * ```ts
 * await SPARSE_ARRAY_CASE.run(ctx);
 * ```
 */
export const SPARSE_ARRAY_CASE: ConformanceCase = {
  id: 'sparse-array-roundtrip',
  title: 'a 2^32-1-long sparse array argument comes back as the result with its few elements, holes kept',
  timeout: 60_000,
  async run(ctx) {
    const last = 2 ** 32 - 2;
    const sparse: unknown[] = [];
    sparse.length = last + 1;
    sparse[3] = { nested: [1, 2] };
    sparse[last] = Buffer.from('end');
    const wg = new WaitGroup({ driver: ctx.driver() });
    wg.go(t.echo, sparse);
    const [r] = await wg.wait();
    await wg.close();
    assert.ok(
      r?.ok,
      `expected a value, got ${r && !r.ok ? `${r.error.kind}: ${r.error.message}` : 'nothing'}`,
    );
    const back = r.value as unknown[];
    assert.equal(back.length, last + 1);
    assert.deepEqual(back[3], { nested: [1, 2] });
    assert.ok(Buffer.isBuffer(back[last]), 'the Buffer at the last index arrives as a Buffer');
    assert.equal((back[last] as Buffer).toString(), 'end');
    assert.equal(Object.hasOwn(back, 0), false, 'holes stay holes');
  },
};
