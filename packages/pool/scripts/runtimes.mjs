// Thread vs process runtime of the pool, beside a raw warm `child_process.fork` IPC ping-pong (advanced
// serialization), in one process with the blocks alternated so that machine load hits every subject
// alike. Prints a Markdown table: cold start (a new one-worker pool's first task), warm round trip p50/p95
// (sequential, medians of blocks), throughput (20,000 tiny tasks in flight, median of rounds).
// Usage (after `pnpm --filter @isolane/pool build`): node packages/pool/scripts/runtimes.mjs [rounds=8]
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PoolDriver } from '../dist/index.js';

const ROUNDS = Number(process.argv[2] ?? 8);
const BLOCK = 1_000;
const BURST = 20_000;
const COLD_RUNS = 5;
const task = { kind: 'inline', source: '(n) => n + 1' };
const load = loadavg()[0];

const dir = mkdtempSync(join(tmpdir(), 'isolane-runtimes-'));
const rawChild = join(dir, 'raw-child.cjs');
writeFileSync(rawChild, "process.on('message', (m) => process.send(m + 1));");

function viaPool(driver) {
  return (a) => new Promise((resolve) => driver.start({ task, args: [a] }, { settle: resolve, stray() {} }));
}

async function startRaw() {
  const child = fork(rawChild, [], { serialization: 'advanced' });
  const waiting = [];
  child.on('message', (m) => waiting.shift()(m));
  const call = (a) =>
    new Promise((resolve) => {
      waiting.push(resolve);
      child.send(a);
    });
  await call(0);
  return { call, close: async () => child.kill() };
}

async function startPool(runtime, concurrency = availableParallelism()) {
  const driver = new PoolDriver({ concurrency, runtime });
  const call = viaPool(driver);
  await call(0);
  return { call, close: () => driver.close() };
}

const starters = { thread: () => startPool('thread'), process: () => startPool('process'), raw: startRaw };
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

// Cold: a fresh pool of one worker (or the raw child) and its first answer, alternated.
const coldStarters = {
  thread: () => startPool('thread', 1),
  process: () => startPool('process', 1),
  raw: startRaw,
};
const cold = { thread: [], process: [], raw: [] };
for (let i = 0; i < COLD_RUNS; i++) {
  for (const name of Object.keys(coldStarters)) {
    const start = performance.now();
    const subject = await coldStarters[name]();
    cold[name].push(performance.now() - start);
    await subject.close();
  }
}

const subjects = {};
for (const name of Object.keys(starters)) subjects[name] = await starters[name]();
for (const s of Object.values(subjects)) for (let i = 0; i < BLOCK; i++) await s.call(i);
const p50 = {};
const p95 = {};
const rate = {};
for (const name of Object.keys(subjects)) {
  p50[name] = [];
  p95[name] = [];
  rate[name] = [];
}
for (let round = 0; round < ROUNDS; round++) {
  const names = Object.keys(subjects);
  if (round % 2 === 1) names.reverse();
  for (const name of names) {
    const { call } = subjects[name];
    const lat = [];
    for (let i = 0; i < BLOCK; i++) {
      const start = performance.now();
      await call(i);
      lat.push(performance.now() - start);
    }
    lat.sort((x, y) => x - y);
    p50[name].push(lat[lat.length >> 1]);
    p95[name].push(lat[Math.floor(lat.length * 0.95)]);
    const start = performance.now();
    const all = new Array(BURST);
    for (let i = 0; i < BURST; i++) all[i] = call(i);
    await Promise.all(all);
    rate[name].push(BURST / ((performance.now() - start) / 1000));
  }
}
for (const s of Object.values(subjects)) await s.close();
rmSync(dir, { recursive: true, force: true });

const us = (ms) => `${(ms * 1000).toFixed(1)} µs`;
const label = {
  thread: "pool, runtime 'thread'",
  process: "pool, runtime 'process'",
  raw: 'raw fork IPC ping-pong',
};
console.log(
  `Node ${process.version}, ${availableParallelism()} cores, 1-minute load average ${load.toFixed(1)} at the start; ` +
    `${ROUNDS} alternated rounds; cold: a new pool of one worker (or the raw child) until its first answer, ` +
    `median of ${COLD_RUNS}; warm: pools of ${availableParallelism()} workers, one raw child.\n`,
);
console.log('| subject | cold start p50 | warm round trip p50 | warm p95 | throughput (20,000 in flight) |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const name of ['thread', 'process', 'raw']) {
  console.log(
    `| ${label[name]} | ${median(cold[name]).toFixed(1)} ms | ${us(median(p50[name]))} | ${us(median(p95[name]))} | ` +
      `${Math.round(median(rate[name])).toLocaleString('en-US')}/s |`,
  );
}
