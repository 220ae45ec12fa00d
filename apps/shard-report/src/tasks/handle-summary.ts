/**
 * The anti-pattern, kept on purpose: a task that takes an open `Database` handle. A connection is a
 * live resource of the process that opened it, so `go()` refuses it with a CaptureError under every
 * driver, `cooperative` included. The CLI's `capture-demo` command and the tests show that error.
 */
import { defineTask, type ModuleTask } from '@isolane/core';
import type { Database } from 'better-sqlite3';
import { type ShardSummary, summarizeShard } from '../shard-query.js';

/**
 * Aggregates one shard through a handle the caller opened (do not do this: pass the path instead).
 *
 * @example
 * ```ts
 * wg.go(summaryFromHandle, new Database(path), 0); // throws CaptureError at go()
 * ```
 */
export const summaryFromHandle: ModuleTask<[Database, number], ShardSummary> = defineTask(
  import.meta.url,
  'summaryFromHandle',
  (db: Database, shard: number): ShardSummary => summarizeShard(db, shard),
);
