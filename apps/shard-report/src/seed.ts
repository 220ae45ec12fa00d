/**
 * Creates the demo database on first run: `events` rows spread over `shards` tables, written in one
 * transaction through one prepared statement per shard (a few seconds for a million rows). The file is
 * built under a temporary name and renamed into place, so a crash never leaves a half-seeded database
 * that a later run would trust.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database, { type Statement } from 'better-sqlite3';
import { shardTable } from './shard-query.js';

/** What to seed. */
export interface SeedOptions {
  /** Number of shard tables (`events_0` … `events_{n-1}`). */
  readonly shards: number;
  /** Total number of events, spread evenly over the shards. */
  readonly events: number;
  /** Seed of the pseudo-random generator: the same seed gives the same data. Default 1. */
  readonly seed?: number;
}

/** What a database holds, as recorded in its `meta` table when it was seeded. */
export interface DatabaseInfo {
  readonly path: string;
  readonly shards: number;
  readonly events: number;
  /** True when this call created the file. */
  readonly created: boolean;
  /** Time spent seeding, 0 when the file already existed. */
  readonly seedMs: number;
}

/** The event kinds, with how often each occurs and its amount range in cents. */
const KINDS = [
  { kind: 'view', weight: 60, maxCents: 0 },
  { kind: 'click', weight: 25, maxCents: 0 },
  { kind: 'signup', weight: 5, maxCents: 0 },
  { kind: 'purchase', weight: 8, maxCents: 50_000 },
  { kind: 'refund', weight: 2, maxCents: 20_000 },
] as const;

const USERS = 20_000;
const START_TS = Date.UTC(2025, 0, 1) / 1000;
const YEAR_S = 365 * 24 * 3600;

/**
 * Opens the database at `path`, seeding it first when the file does not exist.
 *
 * @example
 * ```ts
 * const info = ensureDatabase('data/events.sqlite', { shards: 8, events: 1_000_000 });
 * if (info.created) console.log(`seeded in ${info.seedMs} ms`);
 * ```
 */
export function ensureDatabase(path: string, options: SeedOptions): DatabaseInfo {
  if (existsSync(path)) return { ...readInfo(path), created: false, seedMs: 0 };
  const started = performance.now();
  seedDatabase(path, options);
  return { ...readInfo(path), created: true, seedMs: performance.now() - started };
}

/**
 * Writes a fresh database at `path` (replacing none: it fails if the file appears meanwhile).
 *
 * @example
 * ```ts
 * seedDatabase('/tmp/events.sqlite', { shards: 2, events: 1000, seed: 7 });
 * ```
 */
export function seedDatabase(path: string, options: SeedOptions): void {
  const { shards, events } = options;
  if (!Number.isInteger(shards) || shards < 1)
    throw new RangeError(`shards must be an integer >= 1, got ${shards}`);
  if (!Number.isInteger(events) || events < 0)
    throw new RangeError(`events must be an integer >= 0, got ${events}`);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.seeding-${process.pid}`;
  rmSync(tmp, { force: true });
  const db = new Database(tmp);
  try {
    // A throwaway file being built: durability only matters once it is renamed into place.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)');
    const inserts: Statement[] = [];
    for (let s = 0; s < shards; s++) {
      db.exec(
        `CREATE TABLE ${shardTable(s)} (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, kind TEXT NOT NULL,
           amount INTEGER NOT NULL, ts INTEGER NOT NULL)`,
      );
      inserts.push(
        db.prepare(`INSERT INTO ${shardTable(s)} (user_id, kind, amount, ts) VALUES (?, ?, ?, ?)`),
      );
    }
    const random = mulberry32(options.seed ?? 1);
    const totalWeight = KINDS.reduce((sum, k) => sum + k.weight, 0);
    db.transaction(() => {
      for (let i = 0; i < events; i++) {
        let pick = random() * totalWeight;
        let kind: (typeof KINDS)[number] = KINDS[0];
        for (const k of KINDS) {
          kind = k;
          pick -= k.weight;
          if (pick < 0) break;
        }
        const amount = kind.maxCents === 0 ? 0 : 1 + Math.floor(random() * kind.maxCents);
        const user = 1 + Math.floor(random() * USERS);
        const ts = START_TS + Math.floor(random() * YEAR_S);
        inserts[i % shards]!.run(user, kind.kind, kind.kind === 'refund' ? -amount : amount, ts);
      }
      const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      meta.run('shards', shards);
      meta.run('events', events);
    })();
    db.close();
    if (existsSync(path)) throw new Error(`${path} appeared while it was being seeded`);
    renameSync(tmp, path);
  } finally {
    if (db.open) db.close();
    rmSync(tmp, { force: true });
  }
}

function readInfo(path: string): Omit<DatabaseInfo, 'created' | 'seedMs'> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT key, value FROM meta').all() as { key: string; value: number }[];
    const meta = new Map(rows.map((r) => [r.key, r.value]));
    const shards = meta.get('shards');
    const events = meta.get('events');
    if (shards === undefined || events === undefined) {
      throw new Error(`${path} is not a shard-report database (its meta table lacks "shards"/"events")`);
    }
    return { path, shards, events };
  } catch (err) {
    if (err instanceof Error && /no such table: meta/.test(err.message)) {
      throw new Error(
        `${path} is not a shard-report database (no meta table); delete it or pass another --db`,
      );
    }
    throw err;
  } finally {
    db.close();
  }
}

/** A small, fast, seedable PRNG: the same seed always seeds the same data. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
