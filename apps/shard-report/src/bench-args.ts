/**
 * The argument lists `isolane-bench task` runs `shardSummary` with: one list per shard of the app's
 * default database (created and seeded on first use, as the CLI does). Its default export is what
 * `--args-file dist/bench-args.js` loads in every measurement process.
 */
import { fileURLToPath } from 'node:url';
import { ensureDatabase } from './seed.js';

/** The CLI's default database, relative to this compiled module (dist → data). */
const DEFAULT_DB = fileURLToPath(new URL('../data/events.sqlite', import.meta.url));

/**
 * `[dbPath, shard]` for every shard of the database at `path` (seeded with `shards` shards and
 * `events` events when absent).
 *
 * @example
 * ```ts
 * shardArgLists('/tmp/events.sqlite', 2, 1000); // [['/tmp/events.sqlite', 0], ['/tmp/events.sqlite', 1]]
 * ```
 */
export function shardArgLists(path: string, shards = 8, events = 1_000_000): [string, number][] {
  const info = ensureDatabase(path, { shards, events });
  return Array.from({ length: info.shards }, (_, shard): [string, number] => [path, shard]);
}

/**
 * The lists for the default database: `isolane-bench task dist/tasks/shard-summary.js#shardSummary
 * --args-file dist/bench-args.js`.
 *
 * @example
 * ```ts
 * benchArgs(); // [['…/data/events.sqlite', 0], …, ['…/data/events.sqlite', 7]]
 * ```
 */
export default function benchArgs(): [string, number][] {
  return shardArgLists(DEFAULT_DB);
}
