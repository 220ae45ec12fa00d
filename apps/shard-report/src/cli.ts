#!/usr/bin/env node
/**
 * The `shard-report` command: seeds the demo database on first run, then aggregates every shard through
 * a WaitGroup under the chosen driver (or all of them) and prints per-shard results, per-slot failures
 * and the total time. It runs from `dist/`, because worker threads and child processes load JavaScript.
 */
import { fileURLToPath } from 'node:url';
import { type DriverName, shutdown } from '@isolane/core';
import { Command, InvalidArgumentError } from 'commander';
import { captureDemo } from './capture-demo.js';
import { compareDrivers } from './compare.js';
import { effectiveDriver, parseDriverName } from './driver-choice.js';
import { formatComparison, formatReport } from './format.js';
import { liveProgress } from './live-progress.js';
import { runReport } from './report.js';
import { ensureDatabase } from './seed.js';

const DEFAULT_DB = fileURLToPath(new URL('../data/events.sqlite', import.meta.url));

function positiveInt(label: string, min = 1) {
  return (value: string): number => {
    const n = Number(value.replaceAll('_', ''));
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${label} must be an integer >= ${min}`);
    return n;
  };
}

function driverOption(value: string): DriverName | 'all' {
  try {
    return parseDriverName(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

interface ReportFlags {
  driver?: DriverName | 'all';
  db: string;
  shards: number;
  events: number;
  concurrency?: number;
  timeout?: number;
}

const program = new Command('shard-report')
  .description('Per-shard aggregates of an SQLite event database, fanned out through an isolane WaitGroup')
  .option(
    '--driver <name|all>',
    'cooperative, thread, fork, pool, or all to compare them (default: ISOLANE_DRIVER, then isolane.config.json, then pool)',
    driverOption,
  )
  .option('--db <path>', 'database file; created and seeded when absent', DEFAULT_DB)
  .option('--shards <n>', 'shards to seed (first run) and to aggregate', positiveInt('--shards'), 8)
  .option('--events <n>', 'events to seed on first run', positiveInt('--events', 0), 1_000_000)
  .option(
    '--concurrency <n>',
    'max shards aggregated at once (default: available parallelism)',
    positiveInt('--concurrency'),
  )
  .option('--timeout <ms>', 'per-shard timeout', positiveInt('--timeout'))
  .action(async (flags: ReportFlags) => {
    const info = ensureDatabase(flags.db, { shards: flags.shards, events: flags.events });
    console.log(
      info.created
        ? `seeded ${info.events} events over ${info.shards} shards into ${info.path} in ${Math.round(info.seedMs)} ms`
        : `using ${info.path}: ${info.events} events over ${info.shards} shards`,
    );
    const base = {
      dbPath: info.path,
      shards: flags.shards,
      concurrency: flags.concurrency,
      timeout: flags.timeout,
    };
    if (flags.driver === 'all') {
      console.log(formatComparison(await compareDrivers(base)));
      return;
    }
    const driver = await effectiveDriver(flags.driver);
    // Each shard's task reports its progress through the WaitGroup: a live line on a terminal.
    const live = liveProgress(Array.from({ length: flags.shards }, (_, i) => i));
    const report = await runReport({ ...base, driver, onProgress: (p) => live.update(p) });
    live.done();
    console.log(formatReport(report, driver));
    if (report.outcomes.some((o) => !o.result.ok)) process.exitCode = 1;
  });

program
  .command('capture-demo')
  .description('show the CaptureError you get for passing a Database handle to a task instead of its path')
  .option('--db <path>', 'database file; created and seeded when absent', DEFAULT_DB)
  .action(async (flags: { db: string }) => {
    const info = ensureDatabase(flags.db, { shards: 8, events: 1_000_000 });
    for (const { attempt, message } of await captureDemo(info.path)) {
      console.log(`${attempt}\n  -> CaptureError: ${message.replaceAll('\n', '\n     ')}\n`);
    }
  });

try {
  await program.parseAsync();
} catch (err) {
  // Usage and setup errors (a missing driver package, a malformed config): one line, no stack.
  console.error(`shard-report: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
} finally {
  await shutdown();
}
