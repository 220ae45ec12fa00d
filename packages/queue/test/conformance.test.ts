// The shared conformance suite against `queue`: a private Redis and two isolane-worker processes (local
// driver: pool, 2 jobs each, inline tasks allowed) serve every case.

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DriverSettings } from '@isolane/core';
import { BOOT_GATE_ENV, runConformance } from '@isolane/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDriver } from '../src/index.js';
import { type PrivateRedis, startRedis } from './helpers/redis-server.js';
import { noMarkedLeft, queueName, REPO_ROOT, startWorker, type TestWorker } from './helpers/workers.js';

// A queue task runs on its worker's local driver (pool threads here), inside the isolane-worker
// process: fds 3..9 are that process's own, not a channel of isolane's (Redis carries the results).
const IN_WORKER =
  "the task runs inside an isolane-worker process on its local driver (pool threads): fds 3..9 are the worker's own, not a channel the driver reads";

const OUTPUT_IN_WORKER =
  "a queue task's stdout/stderr are its isolane-worker process's (on the machine that runs it), not the caller's";

let redis: PrivateRedis;
const workers: TestWorker[] = [];
/** The worker of the cases run in child processes (their own queue); see beforeAll. */
let childWorker: TestWorker | undefined;
/** The worker of the case that patches builtins on its pool thread (its own queue); see beforeAll. */
let patchedWorker: TestWorker | undefined;
const queue = queueName('conformance');
const patchedQueue = `${queue}-patched`;
let options: Record<string, unknown> = {};

beforeAll(async () => {
  redis = await startRedis();
  // The bootstrap-deadline case opens its bootstrap's gate through this variable: the workers
  // (started now, before the case) must have it in their environment.
  process.env[BOOT_GATE_ENV] = join(tmpdir(), `isolane-queue-boot-gate-${process.pid}`);
  options = { connection: redis.url, queueName: queue, root: REPO_ROOT, connectTimeout: 15_000 };
  // Cases run in child processes (test/fixtures/conformance-driver.mjs) use a queue of their own, served
  // by a worker of their own: among them are the unsupported hostile-channel cases, whose tasks write
  // garbage to fds 3..9 of the process that runs them — an isolane-worker's own descriptors, its libuv
  // signal pipe among them (fd 7 in Node 20). A worker that ran them dies of SIGSEGV at its next signal
  // (libuv reads the garbage as a signal message and follows its pointer): it must not be one of the
  // suite's workers, whose SIGTERM ends the file. That worker is stopped with SIGKILL.
  const childQueue = `${queue}-children`;
  process.env.ISOLANE_QUEUE_TEST_OPTIONS = JSON.stringify({ ...options, queueName: childQueue });
  // A short shutdown grace: every case settles or cancels its jobs, so nothing is held at the end; a
  // worker still holding one exits with code 1 after it, which the last test shows.
  const args = [
    ...['--redis', redis.url, '--root', REPO_ROOT, '--concurrency', '2', '--allow-inline'],
    ...['--shutdown-grace', '5000'],
  ];
  // The patched-builtins case leaves its patches on the pool thread that ran them (docs/failures.md:
  // later tasks on that thread still see them); every other model's suite gives each case a fresh
  // driver, so it gets a queue and a worker of its own here, SIGKILLed at the end like the children's.
  const started = await Promise.all(
    [queue, queue, childQueue, patchedQueue].map((q) => startWorker([...args, '--queue', q])),
  );
  patchedWorker = started.pop();
  childWorker = started.pop();
  workers.push(...started);
}, 120_000);

afterAll(async () => {
  childWorker?.child.kill('SIGKILL');
  patchedWorker?.child.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.stop()));
  await redis?.dispose();
}, 120_000);

runConformance({
  name: 'queue',
  createDriver: (settings: DriverSettings) =>
    createDriver({ ...settings, options: { ...options, ...(settings.options ?? {}) } }),
  driverModule: new URL('./fixtures/conformance-driver.mjs', import.meta.url).href,
  manyTasks: 2_000,
  // The two workers are children of this test process for the whole file; the leftover check of the
  // suite (no child process after close()) would count them. The marker check below covers them.
  checkLeftovers: false,
  createDriverFor: {
    'patched-builtins': (settings: DriverSettings) =>
      createDriver({
        ...settings,
        options: { ...options, queueName: patchedQueue, ...(settings.options ?? {}) },
      }),
  },
  unsupported: {
    'hostile-channel-garbage': { reason: IN_WORKER },
    'hostile-channel-huge-header': { reason: IN_WORKER },
    'hostile-channel-forged-answer': { reason: IN_WORKER },
    // What a queue task prints goes to its worker's streams, on whatever machine runs it: never the caller's.
    'output-lines': { reason: OUTPUT_IN_WORKER },
    'output-large-stderr': { reason: OUTPUT_IN_WORKER },
    'output-script-ends': { reason: OUTPUT_IN_WORKER },
    'output-whole-lines': { reason: OUTPUT_IN_WORKER },
    'typescript-tasks': {
      reason:
        'the case writes its task module to a temp folder, outside the declared root: workers refuse modules outside their --root',
    },
  },
});

it('no worker process (or anything a worker started) is left after the suite', async () => {
  childWorker?.child.kill('SIGKILL');
  patchedWorker?.child.kill('SIGKILL');
  const exits = await Promise.all(
    workers.map(async (w) => {
      await w.stop();
      return { ...(await w.exited), output: w.output().slice(-2_000) };
    }),
  );
  // The suite's workers end on SIGTERM by themselves: no crash, no job held past the grace.
  for (const exit of exits) expect(exit, exit.output).toMatchObject({ code: 0, signal: null });
  expect(await noMarkedLeft()).toEqual([]);
}, 60_000);
