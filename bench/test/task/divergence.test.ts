import { describe, expect, it } from 'vitest';
import { findDivergences, referenceDigests } from '../../dist/task/divergence.js';

describe('findDivergences', () => {
  it('flags the runners whose results differ from the serial reference, with the tasks', () => {
    expect(
      findDivergences([
        { id: 'serial', digests: ['a', 'b', 'c'] },
        { id: 'cooperative', digests: ['a', 'b', 'c'] },
        { id: 'thread', digests: ['a', 'a', 'a'] },
        { id: 'pool', digests: ['a', 'b', 'x'] },
      ]),
    ).toEqual([
      { id: 'thread', tasks: [1, 2] },
      { id: 'pool', tasks: [2] },
    ]);
  });

  it('does not count failed tasks as divergences', () => {
    expect(
      findDivergences([
        { id: 'serial', digests: ['a', 'failed:threw'] },
        { id: 'fork', digests: ['failed:timeout', 'b'] },
      ]),
    ).toEqual([]);
  });

  it('falls back to the most common sequence when the reference produced nothing', () => {
    const rows = [
      { id: 'serial' as const, digests: ['failed:crashed'] },
      { id: 'thread' as const, digests: ['a', 'b'] },
      { id: 'fork' as const, digests: ['a', 'b'] },
      { id: 'pool' as const, digests: ['a', 'c'] },
    ];
    expect(referenceDigests(rows)).toEqual(['a', 'b']);
    expect(findDivergences(rows)).toEqual([{ id: 'pool', tasks: [1] }]);
  });
});
