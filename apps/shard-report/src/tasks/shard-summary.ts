/**
 * The module task the report fans out: it receives the recipe (a file path), not the handle, and opens
 * its own read-only connection wherever it runs — a worker thread, a child process or the caller's loop.
 * It reads its shard in id ranges and reports how far it got after each (`taskContext().progress()`:
 * the caller's `onProgress` shows it live, under every driver).
 */
import { defineTask, taskContext } from '@isolane/core';
import Database from 'better-sqlite3';
import type { ShardSummary } from '../shard-query.js';
import { summarizeShardInSteps } from '../shard-steps.js';

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
  async (dbPath: string, shard: number): Promise<ShardSummary> => {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      const ctx = taskContext();
      return await summarizeShardInSteps(db, shard, { onProgress: (p) => ctx.progress(p) });
    } finally {
      db.close();
    }
  },
);
