/**
 * The module task the report fans out: it receives the recipe (a file path), not the handle, and opens
 * its own read-only connection wherever it runs — a worker thread, a child process or the caller's loop.
 */
import { defineTask } from '@isolane/core';
import Database from 'better-sqlite3';
import { type ShardSummary, summarizeShard } from '../shard-query.js';

/**
 * Aggregates one shard of the database at `dbPath`, with a connection of its own.
 *
 * @example
 * ```ts
 * const wg = new WaitGroup({ driver: 'pool' });
 * for (let shard = 0; shard < 8; shard++) wg.go(shardSummary, '/data/events.sqlite', shard);
 * const results = await wg.wait();
 * ```
 */
export const shardSummary = defineTask(
  import.meta.url,
  'shardSummary',
  (dbPath: string, shard: number): ShardSummary => {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      return summarizeShard(db, shard);
    } finally {
      db.close();
    }
  },
);
