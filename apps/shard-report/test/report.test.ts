import { type DriverName, shutdown } from '@isolane/core';
import { childPids, eventually } from '@isolane/core/os-probes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReport } from '../dist/index.js';
import { referenceSummary } from './fixtures/reference.js';
import { tempDatabase } from './fixtures/temp-db.js';

const DRIVERS: readonly DriverName[] = ['cooperative', 'thread', 'fork', 'pool'];
const SHARDS = 4;

let db: ReturnType<typeof tempDatabase>;
beforeAll(() => {
  db = tempDatabase(SHARDS, 20_000);
});
afterAll(async () => {
  await shutdown();
  expect(await eventually(() => childPids().length === 0, 10_000)).toBe(true);
  db.remove();
});

describe.each(DRIVERS)('runReport under %s', (driver) => {
  it('gives, for every shard, what a single-threaded pass over the rows gives', async () => {
    const { outcomes, totalMs } = await runReport({ dbPath: db.path, shards: SHARDS, driver });
    expect(totalMs).toBeGreaterThan(0);
    expect(outcomes.map((o) => o.shard)).toEqual([0, 1, 2, 3]);
    for (const { shard, result } of outcomes) {
      if (!result.ok) throw new Error(`shard ${shard} failed: ${result.error.message}`);
      expect(result.value).toEqual(referenceSummary(db.path, shard));
    }
    const events = outcomes.reduce((n, o) => n + (o.result.ok ? o.result.value.events : 0), 0);
    expect(events).toBe(20_000);
  });

  it('fails only the slot of a shard whose table is missing', async () => {
    const { outcomes } = await runReport({ dbPath: db.path, shards: [0, 1, 99, 2], driver, concurrency: 2 });
    expect(outcomes.map((o) => o.shard)).toEqual([0, 1, 99, 2]);
    const missing = outcomes[2]!.result;
    expect(missing.ok).toBe(false);
    if (!missing.ok) {
      expect(missing.error.kind).toBe('threw');
      expect(missing.error.name).toBe('SqliteError');
      expect(missing.error.message).toBe('no such table: events_99');
    }
    for (const i of [0, 1, 3]) {
      const { shard, result } = outcomes[i]!;
      expect(result.ok ? result.value : result.error).toEqual(referenceSummary(db.path, shard));
    }
  });

  it('fails every slot, without throwing, when the database file does not exist', async () => {
    const { outcomes } = await runReport({ dbPath: `${db.dir}/absent.sqlite`, shards: 2, driver });
    for (const { result } of outcomes) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.message).toMatch(/unable to open database file|does not exist/);
    }
  });
});
