import { describe, expect, it } from 'vitest';
import { BUNDLE_TASK_MS, BundlePolicy } from '../src/bundle-policy.js';

const batch = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('BundlePolicy', () => {
  it('keeps every task alone until it has seen a run time', () => {
    const policy = new BundlePolicy(16);
    expect(policy.split(batch(100))).toHaveLength(100);
  });

  it('bundles short tasks, in order, up to the maximum, and keeps at least four jobs per batch', () => {
    const policy = new BundlePolicy(16);
    policy.record(0.02);
    const jobs = policy.split(batch(100));
    expect(jobs.flat()).toEqual(batch(100));
    expect(jobs[0]).toHaveLength(16);
    expect(jobs).toHaveLength(7);
    // A small batch is spread over at least four jobs.
    expect(policy.split(batch(8)).map((j) => j.length)).toEqual([2, 2, 2, 2]);
    expect(policy.split(batch(3)).map((j) => j.length)).toEqual([1, 1, 1]);
  });

  it('puts about 2 ms of work in a bundle: fewer tasks per job as they get longer', () => {
    const policy = new BundlePolicy(64);
    policy.record(0.25);
    expect(policy.size(1_000)).toBe(8);
  });

  it(`stops bundling once the running average reaches ${BUNDLE_TASK_MS} ms, and starts again when it falls`, () => {
    const policy = new BundlePolicy(16);
    policy.record(0.01);
    expect(policy.size(1_000)).toBe(16);
    for (let i = 0; i < 40; i++) policy.record(5);
    expect(policy.size(1_000)).toBe(1);
    for (let i = 0; i < 80; i++) policy.record(0.01);
    expect(policy.size(1_000)).toBe(16);
  });

  it('maxTasksPerJob 1 never bundles; run times that are not numbers are ignored', () => {
    const off = new BundlePolicy(1);
    off.record(0.01);
    expect(off.size(1_000)).toBe(1);
    const policy = new BundlePolicy(16);
    policy.record(Number.NaN);
    policy.record(-1);
    expect(policy.size(1_000)).toBe(1);
  });
});
