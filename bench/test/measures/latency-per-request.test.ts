import { describe, expect, it } from 'vitest';
// The built bench: isolane drivers load the compiled task module.
import { measureLatency } from '../../dist/measures/latency.js';
import { makePlan } from '../../dist/plan.js';
import { subjectById } from '../../dist/subjects/catalogue.js';
import { pLimitCloneSubject } from '../../dist/subjects/p-limit.js';

describe('measureLatency, a group per request next to a reused group', () => {
  it('takes the cooperative driver per request, reused and p-limit + structuredClone in the same rounds', async () => {
    const plan = makePlan(true);
    const row = await measureLatency(subjectById('cooperative'), plan, subjectById);
    expect(row.error).toBeUndefined();
    expect(row.warmMode).toBe('sequential');
    expect(row.warmPaired?.baseline).toBe('p-limit-clone');
    // Every series got the same number of samples from the same rounds.
    expect(row.reused?.n).toBe(row.warm?.n);
    expect(row.warmPaired?.baselineWarm.n).toBe(row.warm?.n);
    expect(row.perRequestVsReused).toBeCloseTo((row.warm?.p50 ?? 0) / (row.reused?.p50 ?? 1), 10);
    expect(row.construction?.driver).toBe('cooperative');
    expect(row.construction?.newGroup.n).toBe(plan.latency.constructionRounds);
    expect(row.spin).toBeUndefined(); // not a pool
  }, 60_000);

  it('gives a peer no reused group: its warm call is its per-request call', async () => {
    const row = await measureLatency(pLimitCloneSubject(), makePlan(true), subjectById);
    expect(row.reused).toBeUndefined();
    expect(row.construction).toBeUndefined();
    expect(row.warm?.n).toBe(makePlan(true).latency.warmSamples);
  }, 60_000);
});

describe('p-limit + structuredClone', () => {
  it('snapshots the argument when submitted and copies the result', async () => {
    const session = await pLimitCloneSubject().open({ concurrency: 1 });
    try {
      const arg = { items: [1, 2] };
      const pending = session.run('noop', arg);
      arg.items.push(3);
      const value = (await pending) as { items: number[] };
      expect(value).toEqual({ items: [1, 2] });
      expect(value).not.toBe(arg);
    } finally {
      await session.close();
    }
  });
});
