/**
 * Process trees under `pool`, threads and processes: a task blocked in `execSync` on a 20 s command past
 * its timeout fails as `timeout`, and `close()` returns in well under the 20 s (ending the command is
 * what lets a worker thread be terminated). Timeout, abort and close × attached/detached run in the
 * conformance suites.
 */
import type { DriverSettings } from '@isolane/core';
import { type CaseContext, EXEC_SYNC_TREE_CASE } from '@isolane/core/testing';
import { createDriver } from '@isolane/pool';
import { describe, it } from 'vitest';

describe.each([
  ['threads', {}],
  ['processes', { runtime: 'process' }],
])('pool (%s)', (name, options) => {
  it(
    EXEC_SYNC_TREE_CASE.title,
    async () => {
      const drivers: ReturnType<typeof createDriver>[] = [];
      const ctx: CaseContext = {
        name: `pool (${name})`,
        manyTasks: 1,
        driver: (settings: Partial<DriverSettings> = {}) => {
          const driver = createDriver({ concurrency: 2, ...settings, options });
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
});
