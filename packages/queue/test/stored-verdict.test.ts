import { describe, expect, it } from 'vitest';
import type { ProducerLink, StoredJob } from '../src/producer-link.js';
import {
  MAX_UNSTARTED_RETURNS,
  type StoredVerdict,
  storedVerdict,
  type TaskVerdict,
  type VerdictInput,
  type VerdictTask,
} from '../src/stored-verdict.js';
import { encode } from '../src/wire.js';

/** A link whose job is `job` (undefined: gone) and never locked: what storedVerdict reads of Redis. */
function linkWith(job: StoredJob | undefined): ProducerLink {
  return {
    name: 'redis://test',
    stored: async (_id: string, indices: readonly (number | undefined)[]) =>
      job && { ...job, started: indices.map((_, i) => job.started[i] ?? false) },
    locked: async () => false,
  } as unknown as ProducerLink;
}

/** A job a worker took (processedOn set) and never finished: what a dead worker leaves. */
const abandoned = (...started: boolean[]): StoredJob => ({
  returnvalue: null,
  failedReason: '',
  finishedOn: 0,
  processedOn: 1,
  started,
});

const task = (over: Partial<VerdictTask> = {}): VerdictTask => ({ runs: 1, returned: 0, ...over });

/** The sweep's second look at an unlocked job: the one that calls it stalled. */
const input = (over: Partial<VerdictInput> = {}, tasks: VerdictTask[] = [task()]): VerdictInput => ({
  id: '7',
  tasks,
  unlockedAt: 1,
  sweep: true,
  attempts: 1,
  ...over,
});

/** The verdict on the only (or the i-th) task. */
function taskVerdict(v: StoredVerdict, i = 0): TaskVerdict {
  expect(v.kind).toBe('each');
  return (v as unknown as { tasks: TaskVerdict[] }).tasks[i] as TaskVerdict;
}

type Failed = { result: { ok: boolean; error?: { kind: string; code?: string; message: string } } };

describe('storedVerdict of a job whose worker died holding it', () => {
  it('a task never started goes back to the queue as the same run, whatever attempts says', async () => {
    expect(taskVerdict(await storedVerdict(linkWith(abandoned(false)), input()))).toEqual({
      kind: 'retry',
      started: false,
    });
  });

  it(`an unstarted task that came back ${MAX_UNSTARTED_RETURNS} times fails as crashed, naming why (a task that kills its worker at once)`, async () => {
    const v = taskVerdict(
      await storedVerdict(linkWith(abandoned(false)), input({}, [task({ returned: MAX_UNSTARTED_RETURNS })])),
    );
    expect(v.kind).toBe('settle');
    const result = (v as Failed).result;
    expect(result.ok).toBe(false);
    expect(result.error?.kind).toBe('crashed');
    expect(result.error?.code).toBe('ISOLANE_JOB_STALLED');
    expect(result.error?.message).toMatch(/came back unstarted from 5 workers/);
  });

  it('a started task is crashed with attempts 1, and runs again (a new run) while attempts are left', async () => {
    const once = taskVerdict(await storedVerdict(linkWith(abandoned(true)), input()));
    expect(once.kind).toBe('settle');
    expect(taskVerdict(await storedVerdict(linkWith(abandoned(true)), input({ attempts: 2 })))).toEqual({
      kind: 'retry',
      started: true,
    });
  });

  it('the tasks of a bundle are judged each by its own started mark', async () => {
    const v = await storedVerdict(
      linkWith(abandoned(true, false, true)),
      input({}, [task({ index: 0 }), task({ index: 1 }), task({ index: 2 })]),
    );
    expect(taskVerdict(v, 0).kind).toBe('settle');
    expect((taskVerdict(v, 0) as Failed).result.error?.code).toBe('ISOLANE_JOB_STALLED');
    expect(taskVerdict(v, 1)).toEqual({ kind: 'retry', started: false });
    expect(taskVerdict(v, 2).kind).toBe('settle');
  });

  it('the first sweep that finds it unlocked only notes it; a job gone from Redis is crashed', async () => {
    expect(await storedVerdict(linkWith(abandoned(false)), input({ unlockedAt: 0 }))).toEqual({
      kind: 'unlocked',
    });
    const gone = taskVerdict(await storedVerdict(linkWith(undefined), input()));
    expect(gone.kind).toBe('settle');
    expect((gone as Failed).result.error?.code).toBe('ISOLANE_JOB_LOST');
  });
});

describe('storedVerdict of a finished job', () => {
  const finished = (returnvalue: unknown): StoredJob => ({
    returnvalue,
    failedReason: '',
    finishedOn: 2,
    processedOn: 1,
    started: [true, true],
  });

  it("settles each task of a bundle with its own element of the job's value", async () => {
    const value = {
      b: [
        { r: encode({ ok: true, value: 'a', ms: 1 }) },
        { r: encode({ ok: true, value: 'b', ms: 1 }), m: '1-1' },
      ],
    };
    const v = await storedVerdict(
      linkWith(finished(value)),
      input({}, [task({ index: 0 }), task({ index: 1 })]),
    );
    expect(taskVerdict(v, 0)).toEqual({
      kind: 'settle',
      result: { ok: true, value: 'a', ms: 1 },
      mark: undefined,
    });
    expect(taskVerdict(v, 1)).toEqual({
      kind: 'settle',
      result: { ok: true, value: 'b', ms: 1 },
      mark: '1-1',
    });
  });

  it('a value without the outcome of a task (garbage written by something else) crashes its tasks, never throws', async () => {
    const v = await storedVerdict(
      linkWith(finished({ b: [{ r: 'not base64 @@' }] })),
      input({}, [task({ index: 0 }), task({ index: 1 })]),
    );
    for (const i of [0, 1]) {
      const t = taskVerdict(v, i) as Failed;
      expect(t.result.ok).toBe(false);
      expect(t.result.error?.code).toBe('ISOLANE_JOB_FAILED');
    }
  });
});
