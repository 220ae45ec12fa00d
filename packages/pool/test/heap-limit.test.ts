/**
 * `memoryLimitMb` under the pool, threads and processes, whatever `--max-old-space-size` the host runs
 * with (core's shared suite); a heap flag in the process pool's own execArgv is refused next to it.
 */
import { runHeapLimitSuite } from '@isolane/core/testing';
import { PoolDriver } from '@isolane/pool';
import { describe, expect, it } from 'vitest';

runHeapLimitSuite({ name: 'pool (threads)', driverModule: '@isolane/pool', driverExport: 'PoolDriver' });
runHeapLimitSuite({
  name: 'pool (processes)',
  driverModule: '@isolane/pool',
  driverExport: 'PoolDriver',
  driverOptions: { runtime: 'process' },
});

describe('pool (processes): memoryLimitMb and a heap flag in execArgv', () => {
  it('are refused together, naming both (the flag would win while oom named memoryLimitMb)', async () => {
    expect(
      () =>
        new PoolDriver({ runtime: 'process', memoryLimitMb: 64, execArgv: ['--max-old-space-size=2048'] }),
    ).toThrow(
      "options.execArgv sets --max-old-space-size=2048 while options.memoryLimitMb is 64: memoryLimitMb is the worker process's --max-old-space-size, give only one of them",
    );
    // The flag alone is the user's choice.
    await new PoolDriver({ runtime: 'process', execArgv: ['--max-old-space-size=2048'] }).close();
  });
});
