import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureDatabase, seedDatabase } from '../dist/index.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fresh(): string {
  dir = mkdtempSync(join(tmpdir(), 'shard-seed-'));
  return join(dir, 'nested', 'events.sqlite');
}

describe('ensureDatabase', () => {
  it('seeds on first use, spreading the events evenly, and reuses the file afterwards', () => {
    const path = fresh();
    const first = ensureDatabase(path, { shards: 3, events: 3001 });
    expect(first).toMatchObject({ path, shards: 3, events: 3001, created: true });
    const db = new Database(path, { readonly: true });
    const counts = [0, 1, 2].map(
      (s) => (db.prepare(`SELECT COUNT(*) AS n FROM events_${s}`).get() as { n: number }).n,
    );
    db.close();
    expect(counts).toEqual([1001, 1000, 1000]);
    const again = ensureDatabase(path, { shards: 8, events: 5 });
    expect(again).toMatchObject({ shards: 3, events: 3001, created: false, seedMs: 0 });
  });

  it('gives the same data for the same seed', () => {
    const a = fresh();
    seedDatabase(a, { shards: 2, events: 500, seed: 9 });
    seedDatabase(`${a}.b`, { shards: 2, events: 500, seed: 9 });
    const rows = (p: string) => {
      const db = new Database(p, { readonly: true });
      const all = db.prepare('SELECT * FROM events_1 ORDER BY id').all();
      db.close();
      return all;
    };
    expect(rows(a)).toEqual(rows(`${a}.b`));
  });

  it('refuses a file that is not one of its databases, saying so', () => {
    const path = fresh();
    seedDatabase(path, { shards: 1, events: 1 });
    const other = join(dir, 'other.sqlite');
    new Database(other).exec('CREATE TABLE t (x)');
    expect(() => ensureDatabase(other, { shards: 1, events: 1 })).toThrow(/is not a shard-report database/);
    writeFileSync(join(dir, 'junk.sqlite'), 'not sqlite at all, just text that is long enough to be read');
    expect(() => ensureDatabase(join(dir, 'junk.sqlite'), { shards: 1, events: 1 })).toThrow(
      /not a database/,
    );
  });

  it('rejects impossible sizes before creating anything', () => {
    const path = fresh();
    expect(() => seedDatabase(path, { shards: 0, events: 1 })).toThrow(RangeError);
    expect(() => seedDatabase(path, { shards: 1, events: -1 })).toThrow(RangeError);
  });
});
