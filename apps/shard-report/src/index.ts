/**
 * shard-report as a library: what the CLI and the tests use. Per-shard SQLite aggregates fanned out
 * through `@isolane/core`'s WaitGroup, each task opening its own connection from a path.
 *
 * @example
 * ```ts
 * import { ensureDatabase, runReport } from '@isolane/app-shard-report';
 * const info = ensureDatabase('events.sqlite', { shards: 8, events: 1_000_000 });
 * const report = await runReport({ dbPath: info.path, shards: info.shards, driver: 'pool' });
 * ```
 */
export { type CaptureAttempt, captureDemo } from './capture-demo.js';
export { type Comparison, compareDrivers, type DriverRun } from './compare.js';
export { effectiveDriver, parseDriverName } from './driver-choice.js';
export { formatComparison, formatReport, table } from './format.js';
export { type LiveProgress, liveProgress, progressLine } from './live-progress.js';
export { type Report, type ReportOptions, runReport, type ShardOutcome } from './report.js';
export { type DatabaseInfo, ensureDatabase, type SeedOptions, seedDatabase } from './seed.js';
export { type KindTotals, type ShardSummary, shardTable, summarizeShard } from './shard-query.js';
export { type ShardProgress, type StepOptions, summarizeShardInSteps } from './shard-steps.js';
export { summaryFromHandle } from './tasks/handle-summary.js';
export { shardSummary } from './tasks/shard-summary.js';
