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
const queue = queueName('conformance');
let options: Record<string, unknown> = {};

beforeAll(async () => {
  redis = await startRedis();
  // The bootstrap-deadline case opens its bootstrap's gate through this variable: the workers
  // (started now, before the case) must have it in their environment.
  process.env[BOOT_GATE_ENV] = join(tmpdir(), `isolane-queue-boot-gate-${process.pid}`);
  options = { connection: redis.url, queueName: queue, root: REPO_ROOT, connectTimeout: 15_000 };
  // Cases run in child processes read the same options (test/fixtures/conformance-driver.mjs).
  process.env.ISOLANE_QUEUE_TEST_OPTIONS = JSON.stringify(options);
  const args = ['--redis', redis.url, '--queue', queue, '--root', REPO_ROOT, '--concurrency', '2'];
  workers.push(...(await Promise.all([0, 1].map(() => startWorker([...args, '--allow-inline'])))));
}, 120_000);

afterAll(async () => {
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
  unsupported: {
    'hostile-channel-garbage': { reason: IN_WORKER },
    'hostile-channel-huge-header': { reason: IN_WORKER },
    'hostile-channel-forged-answer': { reason: IN_WORKER },
    // What a queue task prints goes to its worker's streams, on whatever machine runs it: never the caller's.
    'output-lines': { reason: OUTPUT_IN_WORKER },
    'output-large-stderr': { reason: OUTPUT_IN_WORKER },
    'output-script-ends': { reason: OUTPUT_IN_WORKER },
    'typescript-tasks': {
      reason:
        'the case writes its task module to a temp folder, outside the declared root: workers refuse modules outside their --root',
    },
  },
});

it('no worker process (or anything a worker started) is left after the suite', async () => {
  await Promise.all(workers.map((w) => w.stop()));
  expect(await noMarkedLeft()).toEqual([]);
}, 60_000);
