/** Late-error routes: a settled job's late error reaches its own sink; an unknown one becomes a warning. */
import type { JobSink, TaskFailure } from '@isolane/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LateErrors } from '../src/late-errors.js';
import type { PoolJob } from '../src/pool-job.js';

const boom: TaskFailure = { kind: 'threw', name: 'Error', message: 'boom' };

function job(id: number): { job: PoolJob; strays: TaskFailure[] } {
  const strays: TaskFailure[] = [];
  const sink: JobSink = { settle: () => {}, stray: (f) => strays.push(f) };
  return { job: { id, sink } as PoolJob, strays };
}

describe('LateErrors', () => {
  afterEach(() => vi.restoreAllMocks());

  it("routes a late error to the job's own sink, and one raised outside any task to the worker's last job", () => {
    const routes = new LateErrors();
    const a = job(7);
    const b = job(8);
    routes.remember(a.job);
    routes.remember(b.job);
    routes.report(8, 7, boom);
    expect(a.strays).toEqual([boom]);
    routes.report(8, -1, boom);
    expect(b.strays).toHaveLength(1);
    expect(b.strays[0]!.message).toMatch(/^boom \(raised outside any task/);
  });

  it('a job no longer remembered (its slot reused) gets nothing: the error becomes a process warning', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const routes = new LateErrors();
    const old = job(1);
    routes.remember(old.job);
    routes.remember(job(1 + 4096).job); // same slot in the ring
    routes.report(-1, 1, boom);
    expect(old.strays).toEqual([]);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('boom'),
      expect.objectContaining({ code: 'ISOLANE_STRAY' }),
    );
  });
});
