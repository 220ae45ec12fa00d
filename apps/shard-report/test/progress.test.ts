/**
 * Live per-shard progress through the WaitGroup (issue 18): each shard's task reports how far it got
 * (`taskContext().progress()`), the report's `onProgress` sees it while the tasks run, under every
 * driver; the aggregate read in steps is the single pass's.
 */
import { type DriverName, shutdown } from '@isolane/core';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressLine, runReport, type ShardProgress, summarizeShardInSteps } from '../dist/index.js';
import { referenceSummary } from './fixtures/reference.js';
import { tempDatabase } from './fixtures/temp-db.js';

const DRIVERS: readonly DriverName[] = ['cooperative', 'thread', 'fork', 'pool'];
const SHARDS = 3;

let db: ReturnType<typeof tempDatabase>;
beforeAll(() => {
  db = tempDatabase(SHARDS, 9_000);
});
afterAll(async () => {
  await shutdown();
  db.remove();
});

describe('summarizeShardInSteps', () => {
  it.each([1, 3, 8, 5_000])('gives the single pass over the rows in %i step(s)', async (steps) => {
    const conn = new Database(db.path, { readonly: true });
    try {
      const seen: ShardProgress[] = [];
      const summary = await summarizeShardInSteps(conn, 1, { steps, onProgress: (p) => seen.push(p) });
      expect(summary).toEqual(referenceSummary(db.path, 1));
      expect(seen[0]).toEqual({ shard: 1, rows: 0, of: summary.events });
      expect(seen.at(-1)).toEqual({ shard: 1, rows: summary.events, of: summary.events });
      // One report before the first range, one after each: never more ranges than asked for.
      expect(seen.length - 1).toBeGreaterThanOrEqual(1);
      expect(seen.length - 1).toBeLessThanOrEqual(steps);
    } finally {
      conn.close();
    }
  });

  it('refuses a step count that is not a positive integer, naming it', async () => {
    const conn = new Database(db.path, { readonly: true });
    try {
      await expect(summarizeShardInSteps(conn, 0, { steps: 0 })).rejects.toThrow(
        /steps must be a positive integer/,
      );
    } finally {
      conn.close();
    }
  });
});

describe.each(DRIVERS)('runReport progress under %s', (driver) => {
  it('reports every shard from 0 to all its rows while it runs', { timeout: 60_000 }, async () => {
    const seen = new Map<number, ShardProgress[]>();
    const { outcomes } = await runReport({
      dbPath: db.path,
      shards: SHARDS,
      driver,
      onProgress: (p) => seen.set(p.shard, [...(seen.get(p.shard) ?? []), p]),
    });
    for (const { shard, result } of outcomes) {
      if (!result.ok) throw new Error(`shard ${shard} failed: ${result.error.message}`);
      const reports = seen.get(shard) ?? [];
      expect(reports[0]).toEqual({ shard, rows: 0, of: result.value.events });
      expect(reports.at(-1)).toEqual({ shard, rows: result.value.events, of: result.value.events });
      const rows = reports.map((r) => r.rows);
      expect(rows).toEqual([...rows].sort((a, b) => a - b));
    }
  });
});

describe('progressLine', () => {
  it('counts the shards done and lists each one', () => {
    expect(
      progressLine(
        new Map([
          [0, 100],
          [1, 40],
        ]),
      ),
    ).toBe('shards 1/2 done | 0 100% | 1 40%');
  });
});
