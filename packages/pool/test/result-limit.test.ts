/** `maxResultMb` under the pool, threads and processes (core's shared suite). */
import { runResultLimitSuite } from '@isolane/core/testing';
import { PoolDriver } from '@isolane/pool';

runResultLimitSuite({
  name: 'pool',
  driverModule: '@isolane/pool',
  driverExport: 'PoolDriver',
  createDriver: (o) => new PoolDriver(o),
});
runResultLimitSuite({
  name: 'pool',
  driverModule: '@isolane/pool',
  driverExport: 'PoolDriver',
  createDriver: (o) => new PoolDriver({ ...o, runtime: 'process' }),
  driverOptions: { runtime: 'process' },
});
