// Completion events settle slots without the periodic sweep: the producer's events reader starts from
// the stream's last entry read before its first job is added, so the events of jobs that finish while
// the reader is still connecting are not missed (a reader started at '$' misses them, BullMQ #2517).
// The sweep is pushed out of reach here, so every slot must be settled by its event.
import { WaitGroup } from '@isolane/core';
import { expect, it } from 'vitest';
import { itLeavesNoWorkerProcess, useQueueTestEnv } from './helpers/queue-test-env.js';
import { fixtureTasks } from './helpers/tasks.js';
import { queueName } from './helpers/workers.js';

const queue = queueName('events');
const env = useQueueTestEnv({ queue, concurrency: 4, count: 2 });
const t = await fixtureTasks();

it('the first tasks of a fresh link settle by their events, with the sweep out of reach', async () => {
  for (let round = 0; round < 5; round++) {
    // A new driver per round: a new link, a new events reader racing the first adds.
    const driver = env.driver(queue, 64, { sweepMs: 600_000 });
    try {
      const wg = new WaitGroup({ driver, timeout: 0 });
      for (let i = 0; i < 200; i++) wg.go(t.add, i, round);
      // Far below the sweep: a slot whose event was missed would wait for it (600 s).
      let timer: NodeJS.Timeout | undefined;
      const results = await Promise.race([
        wg.wait(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`round ${round}: slots still open after 60 s`)), 60_000);
        }),
      ]).finally(() => clearTimeout(timer));
      expect(results.map((r) => (r.ok ? r.value : r.error.message))).toEqual(
        Array.from({ length: 200 }, (_, i) => i + round),
      );
    } finally {
      await driver.close();
    }
  }
}, 400_000);

itLeavesNoWorkerProcess(env);
