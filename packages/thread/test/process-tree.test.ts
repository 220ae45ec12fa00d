/**
 * Process trees under `thread`: a task blocked in `execSync` on a 20 s command past its timeout fails
 * as `timeout`, and `close()` returns in well under the 20 s (ending the command is what lets the worker
 * be terminated). Timeout, abort and close × attached/detached run in the conformance suite.
 */
import { type CaseContext, EXEC_SYNC_TREE_CASE } from '@isolane/core/testing';
import { ThreadDriver } from '@isolane/thread';
import { it } from 'vitest';

it(
  EXEC_SYNC_TREE_CASE.title,
  async () => {
    const drivers: ThreadDriver[] = [];
    const ctx: CaseContext = {
      name: 'thread',
      manyTasks: 1,
      driver: (settings = {}) => {
        const driver = new ThreadDriver({ concurrency: 2, ...settings });
        drivers.push(driver);
        return driver;
      },
    };
    try {
      await EXEC_SYNC_TREE_CASE.run(ctx);
    } finally {
      await Promise.all(drivers.map((d) => d.close()));
    }
  },
  EXEC_SYNC_TREE_CASE.timeout,
);
