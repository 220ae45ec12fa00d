/**
 * Environment freshness under the pool, threads and processes: workers keep the environment they were
 * started with until `recycle()` (core's shared suite).
 */
import { runEnvRefreshSuite } from '@isolane/core/testing';
import { PoolDriver } from '@isolane/pool';

runEnvRefreshSuite({ name: 'pool', createDriver: () => new PoolDriver({ concurrency: 1 }) });
runEnvRefreshSuite({
  name: 'pool',
  createDriver: () => new PoolDriver({ concurrency: 1, runtime: 'process' }),
  driverOptions: { runtime: 'process' },
});
