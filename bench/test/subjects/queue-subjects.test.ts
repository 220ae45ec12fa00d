import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makePlan } from '../../src/plan.js';
import { runBench } from '../../src/run-bench.js';
import { subjectById } from '../../src/subjects/catalogue.js';

/** A PATH with a shell and nothing else: no redis-server to find. */
function pathWithoutRedis(dir: string): string {
  symlinkSync('/bin/sh', join(dir, 'sh'));
  return dir;
}

describe('queue subjects without redis-server', () => {
  let dir: string;
  let savedPath: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-no-redis-'));
    savedPath = process.env.PATH;
    process.env.PATH = pathWithoutRedis(dir);
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  });

  it('say why they cannot run, naming redis-server and how to install it', async () => {
    for (const id of ['queue', 'raw-bullmq']) {
      const reason = await subjectById(id).unavailable?.();
      expect(reason).toMatch(/redis-server is not installed/);
      expect(reason).toMatch(/apt-get install redis-server/);
    }
  });

  it('are listed unavailable with the reason and skipped by a run (no row measured)', async () => {
    const result = await runBench({
      command: 'latency',
      measures: ['latency'],
      quick: true,
      drivers: ['queue'],
      peers: ['raw-bullmq'],
    });
    expect(result.subjects.map((s) => [s.id, s.available])).toEqual([
      ['queue', false],
      ['raw-bullmq', false],
    ]);
    for (const s of result.subjects)
      expect(s.unavailableReason).toMatch(/skipped: redis-server is not installed/);
    expect(result.latency).toEqual([]);
  }, 60_000);
});

describe('queue subjects with redis-server on PATH', () => {
  it('are available (the bench then starts its own private Redis)', async () => {
    const { findRedisServer } = await import('@isolane/queue/testing');
    // The queue package's tests install redis-server when missing; here it is only looked for.
    if (findRedisServer() === undefined) {
      expect(await subjectById('queue').unavailable?.()).toMatch(/redis-server is not installed/);
      return;
    }
    expect(await subjectById('queue').unavailable?.()).toBeUndefined();
    expect(await subjectById('raw-bullmq').unavailable?.()).toBeUndefined();
  });

  it("get the plan's queue task count in the throughput measure (fewer in quick mode)", () => {
    const queue = subjectById('queue');
    expect(queue.throughputTasks?.(makePlan(false))).toBe(10_000);
    expect(queue.throughputTasks?.(makePlan(true))).toBe(2_000);
    expect(subjectById('raw-bullmq').throughputTasks?.(makePlan(false))).toBe(10_000);
  });
});
