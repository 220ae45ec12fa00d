import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { WaitGroup } from '@isolane/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ForkDriver } from '../src/index.js';

const originalSpawn = childProcess.spawn;
let spawned = 0;

/** Counts child processes started through `spawn` (the one door the fork driver uses). */
function countSpawns(): void {
  spawned = 0;
  childProcess.spawn = ((...args: Parameters<typeof originalSpawn>) => {
    spawned++;
    return originalSpawn(...args);
  }) as typeof originalSpawn;
  syncBuiltinESMExports();
}

function restoreSpawn(): void {
  childProcess.spawn = originalSpawn;
  syncBuiltinESMExports();
}

const QUEUED = 200;
const CONCURRENCY = 2;

describe('fork: close() or abort() with many queued tasks starts no child process', () => {
  let driver: ForkDriver | undefined;
  afterEach(async () => {
    restoreSpawn();
    await driver?.close();
    driver = undefined;
  });

  for (const how of ['abort', 'group close', 'driver close'] as const) {
    it(`${how}: ${QUEUED} queued jobs are dropped before the running ones are stopped`, async () => {
      countSpawns();
      driver = new ForkDriver({ concurrency: CONCURRENCY });
      const wg = new WaitGroup({ driver });
      for (let i = 0; i < CONCURRENCY + QUEUED; i++) wg.go(() => new Promise(() => {}));
      expect(spawned).toBe(CONCURRENCY);
      if (how === 'abort') wg.abort('enough');
      else if (how === 'group close') await wg.close();
      else await driver.close();
      const results = await wg.wait();
      expect(results.filter((r) => !r.ok && r.error.kind === 'aborted')).toHaveLength(CONCURRENCY + QUEUED);
      // A place freed by an abort is handed on a microtask later: let it pass before counting.
      await new Promise((resolve) => setImmediate(resolve));
      expect(spawned).toBe(CONCURRENCY);
    }, 120_000);
  }
});
