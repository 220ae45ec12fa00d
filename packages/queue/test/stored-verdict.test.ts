import { describe, expect, it } from 'vitest';
import type { ProducerLink, StoredJob } from '../src/producer-link.js';
import { MAX_UNSTARTED_RETURNS, storedVerdict, type VerdictInput } from '../src/stored-verdict.js';

/** A link whose job is `job` (undefined: gone) and never locked: what storedVerdict reads of Redis. */
function linkWith(job: StoredJob | undefined): ProducerLink {
  return {
    name: 'redis://test',
    stored: async () => job,
    locked: async () => false,
  } as unknown as ProducerLink;
}

/** A job a worker took (processedOn set) and never finished: what a dead worker leaves. */
const abandoned = (started: boolean): StoredJob => ({
  returnvalue: null,
  failedReason: '',
  finishedOn: 0,
  processedOn: 1,
  started,
});

/** The sweep's second look at an unlocked job: the one that calls it stalled. */
const input = (over: Partial<VerdictInput> = {}): VerdictInput => ({
  id: '7',
  runs: 1,
  returned: 0,
  unlockedAt: 1,
  sweep: true,
  attempts: 1,
  ...over,
});

describe('storedVerdict of a job whose worker died holding it', () => {
  it('a job never started goes back to the queue as the same run, whatever attempts says', async () => {
    expect(await storedVerdict(linkWith(abandoned(false)), input())).toEqual({
      kind: 'retry',
      started: false,
    });
  });

  it(`an unstarted job that came back ${MAX_UNSTARTED_RETURNS} times fails as crashed, naming why (a task that kills its worker at once)`, async () => {
    const v = await storedVerdict(linkWith(abandoned(false)), input({ returned: MAX_UNSTARTED_RETURNS }));
    expect(v.kind).toBe('settle');
    const result = (
      v as { result: { ok: boolean; error?: { kind: string; code?: string; message: string } } }
    ).result;
    expect(result.ok).toBe(false);
    expect(result.error?.kind).toBe('crashed');
    expect(result.error?.code).toBe('ISOLANE_JOB_STALLED');
    expect(result.error?.message).toMatch(/came back unstarted from 5 workers/);
  });

  it('a started job is crashed with attempts 1, and runs again (a new run) while attempts are left', async () => {
    const once = await storedVerdict(linkWith(abandoned(true)), input());
    expect(once.kind).toBe('settle');
    expect(await storedVerdict(linkWith(abandoned(true)), input({ attempts: 2 }))).toEqual({
      kind: 'retry',
      started: true,
    });
  });

  it('the first sweep that finds it unlocked only notes it; a job gone from Redis is crashed', async () => {
    expect(await storedVerdict(linkWith(abandoned(false)), input({ unlockedAt: 0 }))).toEqual({
      kind: 'unlocked',
    });
    const gone = await storedVerdict(linkWith(undefined), input());
    expect(gone.kind).toBe('settle');
  });
});
