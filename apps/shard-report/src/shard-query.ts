/**
 * The per-shard aggregate, as one SQL statement over one shard's table. It takes a connection the
 * caller opened, so the same query serves the worker-side task and nothing else has to know SQL.
 */
import type { Database } from 'better-sqlite3';

/** Totals for one kind of event in one shard. */
export interface KindTotals {
  readonly kind: string;
  readonly events: number;
  /** Sum of `amount`, in cents. */
  readonly amountCents: number;
}

/** The aggregate of one shard: plain data, so it crosses every isolation boundary unchanged. */
export interface ShardSummary {
  readonly shard: number;
  readonly events: number;
  readonly users: number;
  readonly amountCents: number;
  readonly firstTs: number;
  readonly lastTs: number;
  /** One row per event kind, sorted by kind. */
  readonly byKind: readonly KindTotals[];
}

/**
 * The table that holds a shard's events. Shards are tables, so a shard that was never seeded fails
 * with SQLite's own "no such table" error.
 *
 * @example
 * ```ts
 * shardTable(3); // 'events_3'
 * ```
 */
export function shardTable(shard: number): string {
  if (!Number.isInteger(shard) || shard < 0) {
    throw new RangeError(`shard must be a non-negative integer, got ${String(shard)}`);
  }
  return `events_${shard}`;
}

/**
 * Aggregates one shard through an open connection.
 *
 * @example
 * ```ts
 * const db = new Database('events.sqlite', { readonly: true });
 * summarizeShard(db, 0); // { shard: 0, events: 125000, users: 9989, ... }
 * ```
 */
export function summarizeShard(db: Database, shard: number): ShardSummary {
  const table = shardTable(shard);
  const totals = db
    .prepare(
      `SELECT COUNT(*) AS events, COUNT(DISTINCT user_id) AS users, COALESCE(SUM(amount), 0) AS amountCents,
              COALESCE(MIN(ts), 0) AS firstTs, COALESCE(MAX(ts), 0) AS lastTs
         FROM ${table}`,
    )
    .get() as { events: number; users: number; amountCents: number; firstTs: number; lastTs: number };
  const byKind = db
    .prepare(
      `SELECT kind, COUNT(*) AS events, SUM(amount) AS amountCents FROM ${table} GROUP BY kind ORDER BY kind`,
    )
    .all() as KindTotals[];
  return { shard, ...totals, byKind: byKind.map((k) => ({ ...k })) };
}
