/**
 * The per-shard aggregate in steps: the shard's rows are read in id ranges, a few SQL statements per
 * range, and the partial totals are merged — the same `ShardSummary` as `summarizeShard`'s one pass, with
 * a point between ranges where the task reports its progress and lets its thread breathe (so the report
 * reaches the caller while the task runs, under every driver, and a cooperative task does not hold the
 * caller's loop for the whole shard).
 */
import type { Database } from 'better-sqlite3';
import { type KindTotals, type ShardSummary, shardTable } from './shard-query.js';

/** How far a shard's task has got: rows aggregated so far, of how many. Plain data (it crosses boundaries). */
export interface ShardProgress {
  readonly shard: number;
  readonly rows: number;
  readonly of: number;
}

/** Options of {@link summarizeShardInSteps}. */
export interface StepOptions {
  /** Id ranges the shard is read in (default 8). */
  readonly steps?: number;
  /** Called before the first range and after each one. */
  readonly onProgress?: (progress: ShardProgress) => void;
}

const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Aggregates one shard through an open connection, range by range, reporting progress between ranges.
 * Gives what `summarizeShard` gives.
 *
 * @example
 * ```ts
 * const db = new Database('events.sqlite', { readonly: true });
 * await summarizeShardInSteps(db, 0, { onProgress: (p) => console.log(`${p.rows}/${p.of}`) });
 * ```
 */
export async function summarizeShardInSteps(
  db: Database,
  shard: number,
  options: StepOptions = {},
): Promise<ShardSummary> {
  const steps = options.steps ?? 8;
  if (!Number.isInteger(steps) || steps < 1)
    throw new RangeError(`steps must be a positive integer, got ${String(steps)}`);
  const table = shardTable(shard);
  const span = db.prepare(`SELECT COUNT(*) AS n, MIN(id) AS lo, MAX(id) AS hi FROM ${table}`).get() as {
    n: number;
    lo: number | null;
    hi: number | null;
  };
  const totals = db.prepare(
    `SELECT COUNT(*) AS events, COALESCE(SUM(amount), 0) AS amountCents, MIN(ts) AS firstTs, MAX(ts) AS lastTs
       FROM ${table} WHERE id BETWEEN ? AND ?`,
  );
  const kinds = db.prepare(
    `SELECT kind, COUNT(*) AS events, SUM(amount) AS amountCents FROM ${table} WHERE id BETWEEN ? AND ? GROUP BY kind`,
  );
  // Distinct users do not add up over ranges: one count over the shard, after the last range.
  const users = db.prepare(`SELECT COUNT(DISTINCT user_id) FROM ${table}`).pluck();
  const byKind = new Map<string, { events: number; amountCents: number }>();
  let events = 0;
  let amountCents = 0;
  let firstTs: number | null = null;
  let lastTs: number | null = null;
  options.onProgress?.({ shard, rows: 0, of: span.n });
  if (span.lo !== null && span.hi !== null) {
    const width = Math.ceil((span.hi - span.lo + 1) / steps);
    for (let from = span.lo; from <= span.hi; from += width) {
      const to = Math.min(span.hi, from + width - 1);
      const t = totals.get(from, to) as {
        events: number;
        amountCents: number;
        firstTs: number | null;
        lastTs: number | null;
      };
      events += t.events;
      amountCents += t.amountCents;
      if (t.firstTs !== null && (firstTs === null || t.firstTs < firstTs)) firstTs = t.firstTs;
      if (t.lastTs !== null && (lastTs === null || t.lastTs > lastTs)) lastTs = t.lastTs;
      for (const k of kinds.all(from, to) as KindTotals[]) {
        const sum = byKind.get(k.kind) ?? { events: 0, amountCents: 0 };
        sum.events += k.events;
        sum.amountCents += k.amountCents;
        byKind.set(k.kind, sum);
      }
      options.onProgress?.({ shard, rows: events, of: span.n });
      await breathe();
    }
  }
  return {
    shard,
    events,
    users: users.get() as number,
    amountCents,
    firstTs: firstTs ?? 0,
    lastTs: lastTs ?? 0,
    byKind: [...byKind]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([kind, k]) => ({ kind, events: k.events, amountCents: k.amountCents })),
  };
}
