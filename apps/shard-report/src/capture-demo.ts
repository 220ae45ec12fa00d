/**
 * "Pass the recipe, not the handle", demonstrated: the two ways people hand a database connection to a
 * task, and the CaptureError each gets at `go()` — before any worker sees the task, under every driver.
 */
import { type DriverName, isCaptureError, WaitGroup } from '@isolane/core';
import Database from 'better-sqlite3';
import { summarizeShard } from './shard-query.js';
import { summaryFromHandle } from './tasks/handle-summary.js';

/** One wrong attempt and what `go()` answered. */
export interface CaptureAttempt {
  readonly attempt: string;
  /** The CaptureError's message (the attempt is never allowed to run). */
  readonly message: string;
}

/**
 * Tries both mistakes against the database at `dbPath` and returns the errors' messages.
 *
 * @example
 * ```ts
 * for (const { attempt, message } of captureDemo('events.sqlite', 'cooperative')) console.log(attempt, message);
 * ```
 */
export async function captureDemo(
  dbPath: string,
  driver: DriverName = 'cooperative',
): Promise<CaptureAttempt[]> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  await using wg = new WaitGroup({ driver });
  const attempts: CaptureAttempt[] = [];
  const attempt = (label: string, go: () => void) => {
    try {
      go();
    } catch (err) {
      if (!isCaptureError(err)) throw err;
      attempts.push({ attempt: label, message: err.message });
      return;
    }
    throw new Error(`${label}: go() accepted it, but it cannot cross an isolation boundary`);
  };
  try {
    attempt('wg.go(summaryFromHandle, db, 0)', () => wg.go(summaryFromHandle, db, 0));
    attempt('wg.go(() => summarizeShard(db, 0))', () => wg.go(() => summarizeShard(db, 0)));
  } finally {
    db.close();
  }
  return attempts;
}
