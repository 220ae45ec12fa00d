/**
 * `memoryLimitMb` under the pool, threads and processes, whatever `--max-old-space-size` the host runs
 * with (core's shared suite).
 */
import { runHeapLimitSuite } from '@isolane/core/testing';

runHeapLimitSuite({ name: 'pool (threads)', driverModule: '@isolane/pool', driverExport: 'PoolDriver' });
runHeapLimitSuite({
  name: 'pool (processes)',
  driverModule: '@isolane/pool',
  driverExport: 'PoolDriver',
  driverOptions: { runtime: 'process' },
});
