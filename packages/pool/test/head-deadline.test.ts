/**
 * HeadDeadline: when the head's timeout passes, the start counter decides — a running job fails by its
 * timeout, a job the worker never started is only marked overdue — and either way the worker is stopped.
 */
import type { JobSink, Result } from '@isolane/core/driver-kit';
import { describe, expect, it } from 'vitest';
import { type DeadlineWorker, HeadDeadline } from '../src/head-deadline.js';
import { PoolJob } from '../src/pool-job.js';

function fakeWorker(started: number) {
  const settled: Result<unknown>[] = [];
  const sink: JobSink = { settle: (r) => settled.push(r), stray: () => {} };
  const job = new PoolJob({ abortJob: () => {} }, 1, 0, [], undefined, 20, sink);
  let stopped: (j: PoolJob) => void = () => {};
  const stoppedFor = new Promise<PoolJob>((resolve) => {
    stopped = resolve;
  });
  const since = performance.now();
  const worker: DeadlineWorker = {
    dying: false,
    dead: false,
    head: () => job,
    headSince: () => since,
    startedCount: () => started,
    stopFor: (j) => stopped(j),
  };
  return { worker, job, settled, stoppedFor, since };
}

/** Resolves with `p`, or rejects after a generous deadline. */
function within<T>(p: Promise<T>, ms = 10_000): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms)),
  ]);
}

describe('HeadDeadline', () => {
  it('fails a started head by its timeout and stops the worker for it', async () => {
    const { worker, job, settled, stoppedFor, since } = fakeWorker(1);
    job.sentTo(worker as never, 1);
    const deadline = new HeadDeadline(worker);
    deadline.headChanged(job, since);
    expect(await within(stoppedFor)).toBe(job);
    expect(settled).toHaveLength(1);
    expect(settled[0]!.ok).toBe(false);
    expect((settled[0] as { error: { kind: string } }).error.kind).toBe('timeout');
    expect(deadline.overdue).toBeUndefined();
  });

  it('marks a head the worker never started as overdue (its death decides) and stops the worker', async () => {
    const { worker, job, settled, stoppedFor, since } = fakeWorker(0);
    job.sentTo(worker as never, 1);
    const deadline = new HeadDeadline(worker);
    deadline.headChanged(job, since);
    expect(await within(stoppedFor)).toBe(job);
    expect(settled).toHaveLength(0);
    expect(deadline.overdue).toBe(job);
  });
});
