#!/usr/bin/env node
// Standalone measurement of the queue driver against a hand-written BullMQ baseline, side by side in one
// run on a private loopback redis-server: warm round trip (one task at a time, p50/p95) and throughput of
// 10,000 trivial tasks through 2 worker processes. Both include the network loopback and every Redis
// round trip; the isolane side also runs each task on the worker's local pool driver.
//
//   node bench/round-trip.mjs [--rounds 300] [--tasks 10000] [--worker-concurrency 8] [--repeats 3] [--json]
//
// Needs a built package (pnpm --filter @isolane/queue build) and redis-server on PATH.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WaitGroup } from '@isolane/core';
import { Queue, QueueEvents } from 'bullmq';
import { QueueDriver } from '../dist/index.js';
import { killedWithParent, startRedis } from '../dist/testing/index.js';

const { values: argv } = parseArgs({
  options: {
    rounds: { type: 'string', default: '300' },
    tasks: { type: 'string', default: '10000' },
    'worker-concurrency': { type: 'string', default: '8' },
    repeats: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
  },
});
const ROUNDS = Number(argv.rounds);
const TASKS = Number(argv.tasks);
const WORKER_CONCURRENCY = argv['worker-concurrency'];
const REPEATS = Number(argv.repeats);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const tasks = await import(new URL('../../core/dist/testing/fixtures/tasks.js', import.meta.url).href);
const children = new Set();

const log = (line) => process.stderr.write(`${line}\n`);

function start(cmd, args, readyText) {
  const [command, argv] = killedWithParent(cmd, args);
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let out = '';
  return new Promise((resolve, reject) => {
    const on = (d) => {
      out += d;
      if (out.includes(readyText)) resolve(child);
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.once('exit', (code) => reject(new Error(`${cmd} exited (${code}): ${out}`)));
  });
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await gone;
  clearTimeout(t);
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
function summary(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: pct(s, 50), p95: pct(s, 95), p99: pct(s, 99) };
}

const RAW_WORKER = fileURLToPath(new URL('./raw-worker.mjs', import.meta.url));

/**
 * Warm round trips, one task at a time, raw BullMQ and isolane alternated in blocks of 25 (the load of a
 * shared machine drifts; alternating keeps the comparison side by side). Both workers stay up throughout.
 */
async function roundTrips(url, port) {
  const rawWorker = await start(process.execPath, [RAW_WORKER, url, 'raw-rt', '1'], 'ready');
  const isoWorker = await start(
    process.execPath,
    [CLI, '--redis', url, '--queue', 'iso-rt', '--root', ROOT, '--concurrency', '1'],
    'ready',
  );
  const connection = { host: '127.0.0.1', port };
  const q = new Queue('raw-rt', { connection });
  const events = new QueueEvents('raw-rt', { connection });
  await events.waitUntilReady();
  const driver = new QueueDriver({
    concurrency: 1,
    options: { connection: url, queueName: 'iso-rt', root: ROOT },
  });
  const raw = [];
  const iso = [];
  const rawOnce = async (i) => {
    const t0 = performance.now();
    const job = await q.add('t', { a: i, b: 1 });
    const v = await job.waitUntilFinished(events, 30_000);
    if (v !== i + 1) throw new Error(`raw: wrong value ${v}`);
    return performance.now() - t0;
  };
  const isoOnce = async (i) => {
    const t0 = performance.now();
    const wg = new WaitGroup({ driver });
    wg.go(tasks.add, i, 1);
    const [r] = await wg.wait();
    if (!r.ok || r.value !== i + 1) throw new Error(`isolane: wrong result ${JSON.stringify(r)}`);
    return performance.now() - t0;
  };
  for (let i = 0; i < 50; i++) {
    await rawOnce(i);
    await isoOnce(i);
  }
  for (let block = 0; block * 25 < ROUNDS; block++) {
    for (let i = 0; i < 25; i++) raw.push(await rawOnce(i));
    for (let i = 0; i < 25; i++) iso.push(await isoOnce(i));
  }
  await driver.close();
  await events.close();
  await q.obliterate({ force: true });
  await q.close();
  await Promise.all([stop(rawWorker), stop(isoWorker)]);
  return { raw: summary(raw), isolane: summary(iso) };
}

async function rawThroughput(url, port, queue) {
  const ws = await Promise.all(
    [0, 1].map(() => start(process.execPath, [RAW_WORKER, url, queue, WORKER_CONCURRENCY], 'ready')),
  );
  const connection = { host: '127.0.0.1', port };
  const q = new Queue(queue, { connection });
  const events = new QueueEvents(queue, { connection });
  await events.waitUntilReady();
  const run = async (n) => {
    let done = 0;
    const t0 = performance.now();
    const all = new Promise((resolve) => {
      const on = () => {
        if (++done === n) {
          events.off('completed', on);
          resolve();
        }
      };
      events.on('completed', on);
    });
    for (let i = 0; i < n; i += 1000) {
      await q.addBulk(
        Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ name: 't', data: { a: i + k, b: 1 } })),
      );
    }
    await all;
    return (performance.now() - t0) / 1000;
  };
  await run(2000); // warm-up
  const seconds = await run(TASKS);
  await events.close();
  await q.obliterate({ force: true });
  await q.close();
  await Promise.all(ws.map(stop));
  return { seconds, perSecond: TASKS / seconds };
}

async function isolaneThroughput(url, queue, inFlight) {
  const args = [CLI, '--redis', url, '--queue', queue, '--root', ROOT, '--concurrency', WORKER_CONCURRENCY];
  const ws = await Promise.all([0, 1].map(() => start(process.execPath, args, 'ready')));
  const driver = new QueueDriver({
    concurrency: inFlight,
    options: { connection: url, queueName: queue, root: ROOT },
  });
  const run = async (n) => {
    const wg = new WaitGroup({ driver });
    const t0 = performance.now();
    for (let i = 0; i < n; i++) wg.go(tasks.add, i, 1);
    const results = await wg.wait();
    const seconds = (performance.now() - t0) / 1000;
    for (const [i, r] of results.entries())
      if (!r.ok || r.value !== i + 1) throw new Error(`isolane: slot ${i} ${JSON.stringify(r)}`);
    return seconds;
  };
  await run(2000); // warm-up: the workers' local pools start their threads
  const seconds = await run(TASKS);
  await driver.close();
  await Promise.all(ws.map(stop));
  return { seconds, perSecond: TASKS / seconds };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const redis = await startRedis(['--appendonly', 'no']);
const { url, port } = redis;
try {
  const out = { rounds: ROUNDS, tasks: TASKS, workerConcurrency: Number(WORKER_CONCURRENCY) };
  log(`warm round trip, ${ROUNDS} each, raw BullMQ and isolane alternated…`);
  const rt = await roundTrips(url, port);
  out.rawRoundTrip = rt.raw;
  out.isolaneRoundTrip = rt.isolane;
  const rawRuns = [];
  const isoRuns = [];
  for (let rep = 0; rep < REPEATS; rep++) {
    log(`throughput ${rep + 1}/${REPEATS}, ${TASKS} tasks through 2 workers: raw BullMQ…`);
    rawRuns.push(await rawThroughput(url, port, `raw-tp-${rep}`));
    log(`throughput ${rep + 1}/${REPEATS}, ${TASKS} tasks through 2 workers: isolane queue…`);
    isoRuns.push(await isolaneThroughput(url, `iso-tp-${rep}`, 256));
  }
  out.rawThroughput = {
    perSecond: median(rawRuns.map((r) => r.perSecond)),
    runs: rawRuns.map((r) => Math.round(r.perSecond)),
  };
  out.isolaneThroughput = {
    perSecond: median(isoRuns.map((r) => r.perSecond)),
    runs: isoRuns.map((r) => Math.round(r.perSecond)),
  };
  out.roundTripRatio = out.isolaneRoundTrip.p50 / out.rawRoundTrip.p50;
  out.throughputRatio = out.isolaneThroughput.perSecond / out.rawThroughput.perSecond;
  if (argv.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else {
    const ms = (v) => `${v.toFixed(2)} ms`;
    process.stdout.write(
      [
        `| measure | raw BullMQ | isolane queue | ratio |`,
        `|---|---|---|---|`,
        `| warm round trip p50 (${ROUNDS} sequential) | ${ms(out.rawRoundTrip.p50)} | ${ms(out.isolaneRoundTrip.p50)} | ${out.roundTripRatio.toFixed(2)}× |`,
        `| warm round trip p95 | ${ms(out.rawRoundTrip.p95)} | ${ms(out.isolaneRoundTrip.p95)} | ${(out.isolaneRoundTrip.p95 / out.rawRoundTrip.p95).toFixed(2)}× |`,
        `| ${TASKS} trivial tasks, 2 workers × ${WORKER_CONCURRENCY} (median of ${REPEATS}: raw ${out.rawThroughput.runs.join(', ')}; isolane ${out.isolaneThroughput.runs.join(', ')}) | ${Math.round(out.rawThroughput.perSecond)}/s | ${Math.round(out.isolaneThroughput.perSecond)}/s | ${out.throughputRatio.toFixed(2)}× |`,
        '',
      ].join('\n'),
    );
  }
} finally {
  await Promise.all([...children].map(stop));
  await redis.dispose();
}
