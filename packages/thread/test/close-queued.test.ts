import { WaitGroup } from '@isolane/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ThreadDriver } from '../src/index.js';

/** Counts the worker threads this process creates (process emits 'worker' for each new Worker). */
function countStarts(): { readonly count: number; stop(): void } {
  let count = 0;
  const onWorker = (): void => {
    count++;
  };
  process.on('worker', onWorker);
  return {
    get count() {
      return count;
    },
    stop: () => process.off('worker', onWorker),
  };
}

const QUEUED = 1_000;
const CONCURRENCY = 2;

describe('thread: close() or abort() with many queued tasks starts no thread', () => {
  let driver: ThreadDriver | undefined;
  afterEach(async () => {
    await driver?.close();
    driver = undefined;
  });

  for (const how of ['abort', 'group close', 'driver close'] as const) {
    it(`${how}: ${QUEUED} queued jobs are dropped before the running ones are stopped`, async () => {
      driver = new ThreadDriver({ concurrency: CONCURRENCY });
      const wg = new WaitGroup({ driver });
      const starts = countStarts();
      try {
        for (let i = 0; i < CONCURRENCY + QUEUED; i++) wg.go(() => new Promise(() => {}));
        // The 'worker' event comes on the next tick after a Worker is created.
        await new Promise((resolve) => setImmediate(resolve));
        expect(starts.count).toBe(CONCURRENCY);
        if (how === 'abort') wg.abort('enough');
        else if (how === 'group close') await wg.close();
        else await driver.close();
        const results = await wg.wait();
        expect(results.filter((r) => !r.ok && r.error.kind === 'aborted')).toHaveLength(CONCURRENCY + QUEUED);
        // A place freed by an abort is handed on a microtask later: let it pass before counting.
        await new Promise((resolve) => setImmediate(resolve));
        expect(starts.count).toBe(CONCURRENCY);
      } finally {
        starts.stop();
      }
    }, 60_000);
  }
});
