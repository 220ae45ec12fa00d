#!/usr/bin/env node
/**
 * `isolane-worker`: serves one queue — pulls jobs from Redis and runs each on a local isolane driver.
 * SIGTERM/SIGINT: stop pulling, finish the jobs held (up to --shutdown-grace), then exit; a second signal
 * stops at once (held jobs stall and their producers settle them as `crashed`, or retry them).
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkConcurrency, checkTimerMs } from '@isolane/core/driver-kit';
import { Command, Option } from 'commander';
import { checkConnection } from './connection.js';
import { checkName, DEFAULT_REDIS_URL } from './options.js';
import { QueueWorker, WORKER_RUNTIMES, type WorkerRuntime } from './queue-worker.js';

const program = new Command('isolane-worker')
  .description('Run isolane tasks from a Redis queue (BullMQ) on a local isolane driver.')
  .option('--redis <url>', 'Redis URL (default: ISOLANE_REDIS_URL, then redis://127.0.0.1:6379)')
  .option('--queue <name>', 'queue name (the producer\'s "queueName")', 'isolane')
  .option('--prefix <prefix>', 'BullMQ key prefix (the producer\'s "prefix")', 'bull')
  .option('--root <dir>', 'directory module tasks are resolved under; others are refused', process.cwd())
  .option('--concurrency <n>', 'jobs run at once', String(availableParallelism()))
  .addOption(
    new Option('--runtime <driver>', 'local driver each job runs on')
      .choices(WORKER_RUNTIMES)
      .default('pool'),
  )
  .option('--bootstrap <file>', 'module loaded once per local worker when a job names no bootstrap')
  .option('--allow-inline', 'run inline functions (anyone who can write to Redis can then run code here)')
  .option('--lock-duration <ms>', 'job lock: a worker silent this long is taken for dead', '30000')
  .option('--stalled-interval <ms>', 'how often to look for jobs of dead workers', '30000')
  .option('--connect-timeout <ms>', 'Redis connect timeout', '10000')
  .option(
    '--shutdown-grace <ms>',
    'on SIGTERM/SIGINT, how long held jobs may run before a forced stop',
    '30000',
  )
  .showHelpAfterError();

program.parse();
const o = program.opts<Record<string, string | boolean | undefined>>();

function fail(message: string): never {
  process.stderr.write(`isolane-worker: ${message}\n`);
  process.exit(2);
}

let worker: QueueWorker;
let grace: number;
try {
  const num = (v: unknown) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v);
  grace = checkTimerMs(num(o.shutdownGrace), '--shutdown-grace');
  worker = new QueueWorker({
    connection: checkConnection(o.redis ?? process.env.ISOLANE_REDIS_URL ?? DEFAULT_REDIS_URL, '--redis'),
    queueName: checkName(o.queue, '--queue'),
    prefix: checkName(o.prefix, '--prefix'),
    root: resolve(String(o.root)),
    concurrency: checkConcurrency(num(o.concurrency), '--concurrency'),
    runtime: o.runtime as WorkerRuntime,
    ...(typeof o.bootstrap === 'string' ? { bootstrap: pathToFileURL(resolve(o.bootstrap)).href } : {}),
    allowInline: o.allowInline === true,
    lockDuration: checkTimerMs(num(o.lockDuration), '--lock-duration', { min: 1_000 }),
    stalledInterval: checkTimerMs(num(o.stalledInterval), '--stalled-interval', { min: 100 }),
    connectTimeout: checkTimerMs(num(o.connectTimeout), '--connect-timeout', { min: 1 }),
  });
} catch (err) {
  fail((err as Error).message);
}

/** A forced stop: give Redis a moment to hear about it, never more. */
function stopNow(): void {
  setTimeout(() => process.exit(1), 5_000).unref();
  void worker.close(true).finally(() => process.exit(1));
}

let signals = 0;
const stop = (signal: string) => {
  signals++;
  if (signals > 1) {
    process.stderr.write(`isolane-worker: ${signal} again: stopping now\n`);
    stopNow();
    return;
  }
  process.stderr.write(`isolane-worker: ${signal}: finishing ${worker.running} job(s), then exiting\n`);
  const timer = setTimeout(() => {
    process.stderr.write('isolane-worker: shutdown grace over: stopping now\n');
    stopNow();
  }, grace);
  timer.unref();
  void worker.close(false).then(() => process.exit(0));
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));

worker.ready().then(
  () => {
    process.stdout.write(
      `isolane-worker ready: ${worker.name} queue=${String(o.queue)} runtime=${String(o.runtime)} concurrency=${String(o.concurrency)} root=${resolve(String(o.root))}${o.allowInline ? ' allow-inline' : ''}\n`,
    );
  },
  (err: Error) => fail(`cannot start: ${err.message}`),
);
