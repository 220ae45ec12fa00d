/**
 * StartFailures: workers that die before they are ready are counted, and the jobs no worker can serve
 * fail — as a start failure, or (a bootstrap that timed out) only those that waited for that worker.
 */
import { JobQueue, type JobSink, type Result } from '@isolane/core/driver-kit';
import { describe, expect, it } from 'vitest';
import { PoolJob } from '../src/pool-job.js';
import { StartFailures } from '../src/start-failures.js';
import type { WorkerState } from '../src/worker-state.js';

const OPTIONS = { bootstrap: 'file:///boot.js', bootstrapTimeout: 100 };

function jobs(ids: number[]) {
  const settled = new Map<number, Result<unknown>>();
  const queue = new JobQueue<PoolJob>();
  for (const id of ids) {
    const sink: JobSink = { settle: (r) => settled.set(id, r), stray: () => {} };
    queue.push(new PoolJob({ abortJob: () => {} }, id, 0, [], undefined, 0, sink));
  }
  return { queue, settled };
}

function worker(state: Partial<WorkerState>): WorkerState {
  return {
    ready: false,
    dying: false,
    dead: true,
    bootTimedOut: false,
    jobsBefore: 0,
    error: undefined,
    ...state,
  } as WorkerState;
}

describe('StartFailures', () => {
  it('fails every waiting job when a worker dies before ready and none is left', () => {
    const starts = new StartFailures();
    const { queue, settled } = jobs([0, 1]);
    starts.exited(worker({}), 1, queue, [], OPTIONS);
    expect(queue.length).toBe(0);
    expect([...settled.values()].map((r) => (r as { error: { kind: string } }).error.kind)).toStrictEqual([
      'bootstrap',
      'bootstrap',
    ]);
  });

  it('leaves the jobs waiting while another worker may still serve them, and ignores a stopped worker', () => {
    const starts = new StartFailures();
    const { queue, settled } = jobs([0]);
    const other = worker({ dead: false });
    starts.exited(worker({}), 1, queue, [other], OPTIONS);
    starts.exited(worker({ dying: true }), 1, queue, [], OPTIONS);
    expect(queue.length).toBe(1);
    expect(settled.size).toBe(0);
  });

  it('after a bootstrap timeout, fails only the jobs that waited for that worker', () => {
    const starts = new StartFailures();
    const { queue, settled } = jobs([0, 1, 2]);
    starts.exited(worker({ bootTimedOut: true, jobsBefore: 2 }), 1, queue, [], OPTIONS);
    expect([...settled.keys()]).toStrictEqual([0, 1]);
    expect(queue.length).toBe(1);
    expect(queue.peek()!.id).toBe(2);
  });

  it('holds growth after three deaths in a row while a worker serves, until one is ready', () => {
    const starts = new StartFailures();
    const { queue } = jobs([]);
    for (let i = 0; i < 3; i++) {
      expect(starts.holdGrowth(1)).toBe(false);
      starts.exited(worker({}), 1, queue, [worker({ dead: false })], OPTIONS);
    }
    expect(starts.holdGrowth(1)).toBe(true);
    expect(starts.holdGrowth(0)).toBe(false);
    starts.ready();
    expect(starts.holdGrowth(1)).toBe(false);
  });
});
