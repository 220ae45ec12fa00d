/**
 * The `env` option under the pool driver: core's shared suite (a parent secret is invisible under an
 * allow-list; also through driverOptions and a config file's drivers.pool.env).
 */
import { runEnvSuite } from '@isolane/core/testing';
import { PoolDriver } from '@isolane/pool';

runEnvSuite({ name: 'pool', createDriver: (options) => new PoolDriver(options as never) });
runEnvSuite({
  name: 'pool',
  driverOptions: { runtime: 'process' },
  createDriver: (options) => new PoolDriver({ ...(options as object), runtime: 'process' }),
});
