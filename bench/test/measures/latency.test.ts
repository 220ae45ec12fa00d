import { describe, expect, it } from 'vitest';
import { measureLatency } from '../../src/measures/latency.js';
import { makePlan } from '../../src/plan.js';
import type { Session, SessionOptions, Subject, SubjectFeatures } from '../../src/subjects/subject.js';

const PER_TASK: SubjectFeatures = {
  timeout: 'terminate',
  memoryLimit: true,
  perTask: true,
  processes: false,
  inProcess: false,
};

/** A subject whose sessions log when they open and with which options, and take `ms` to run a task. */
function fakeSubject(
  id: string,
  kind: Subject['kind'],
  log: string[],
  msFor: (options: SessionOptions) => number,
  features: SubjectFeatures = PER_TASK,
): Subject {
  return {
    id,
    family: id,
    label: id,
    kind,
    model: 'fake',
    features,
    baselines: kind === 'baseline' ? {} : { cold: 'base', warm: 'base' },
    async open(options: SessionOptions): Promise<Session> {
      const tag = `${id}${options.tasksImportCore ? '+core' : ''}`;
      const session: Session = {
        run: async () => {
          log.push(tag);
          const ms = msFor(options);
          if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
          return undefined;
        },
        runMany: async () => 0,
        close: async () => {},
      };
      return session;
    },
  };
}

describe('measureLatency, cold starts of per-task drivers', () => {
  it('rotates the driver, its baseline and its in-module catalogue, one of each per round', async () => {
    const log: string[] = [];
    const base = fakeSubject('base', 'baseline', log, () => 2);
    const driver = fakeSubject('drv', 'driver', log, (o) => (o.tasksImportCore ? 12 : 6));
    const plan = makePlan(true);
    const row = await measureLatency(driver, plan, (id) => (id === 'base' ? base : driver));
    const n = plan.latency.coldSamples.thread;
    const coldRounds = log.slice(0, 3 * n);
    for (let round = 0; round < n; round++) {
      // Each round holds one sample of each series, whatever the order.
      expect(new Set(coldRounds.slice(3 * round, 3 * round + 3))).toEqual(
        new Set(['drv', 'base', 'drv+core']),
      );
    }
    expect(coldRounds.slice(0, 3)).not.toEqual(coldRounds.slice(3, 6)); // the order rotates
    const paired = row.coldPaired;
    expect(paired?.baseline).toBe('base');
    expect(paired?.baselineCold.n).toBe(n);
    expect(paired?.taskImportsCore.n).toBe(n);
    expect(row.cold?.n).toBe(n);
    expect(paired?.ratio).toBeCloseTo((row.cold?.p50 ?? 0) / (paired?.baselineCold.p50 ?? 1), 10);
    expect(paired?.taskImportsCore.p50).toBeGreaterThan(row.cold?.p50 ?? Infinity);
    expect(paired?.baselineCold.p50).toBeLessThan(row.cold?.p50 ?? 0);
  });

  it('measures a baseline, or a subject without a way to find its baseline, on its own', async () => {
    const log: string[] = [];
    const base = fakeSubject('base', 'baseline', log, () => 1);
    const alone = await measureLatency(base, makePlan(true), () => base);
    expect(alone.coldPaired).toBeUndefined();
    expect(new Set(log)).toEqual(new Set(['base']));
    const driver = fakeSubject('drv', 'driver', log, () => 1);
    expect((await measureLatency(driver, makePlan(true))).coldPaired).toBeUndefined();
  });
});

describe('measureLatency, warm round trips of pools', () => {
  it('alternates blocks of the pool and of its warm baseline, both open in the same process', async () => {
    const log: string[] = [];
    const pooled: SubjectFeatures = { ...PER_TASK, perTask: false };
    const base = fakeSubject('base', 'baseline', log, () => 0, pooled);
    // Not named like a real pool: those also get their CPU cost measured on a further session.
    const pool = fakeSubject('fake-pool', 'peer', log, () => 1, pooled);
    const plan = makePlan(true);
    const row = await measureLatency(pool, plan, () => base);
    const block = Math.ceil(plan.latency.warmSamples / 30);
    const warmLog = log.slice(log.length - 2 * block * 30);
    for (let round = 0; round < 30; round++) {
      const chunks = [0, 1].map((k) => warmLog.slice((2 * round + k) * block, (2 * round + k + 1) * block));
      // Each round: one uniform block of each subject.
      expect(chunks.map((c) => new Set(c).size)).toEqual([1, 1]);
      expect(new Set(chunks.map((c) => c[0]))).toEqual(new Set(['fake-pool', 'base']));
    }
    expect(row.warmPaired?.baseline).toBe('base');
    expect(row.warmPaired?.baselineWarm.n).toBe(row.warm?.n);
    expect(row.warmPaired?.ratio).toBeCloseTo(
      (row.warm?.p50 ?? 0) / (row.warmPaired?.baselineWarm.p50 ?? 1),
      10,
    );
    expect(row.warmPaired?.ratio).toBeGreaterThan(1); // the fake pool sleeps 1 ms a task, its baseline 0
  });
});
