/** `maxResultMb` under the fork driver (core's shared suite). */
import { runResultLimitSuite } from '@isolane/core/testing';
import { ForkDriver } from '@isolane/fork';

runResultLimitSuite({
  name: 'fork',
  driverModule: '@isolane/fork',
  driverExport: 'ForkDriver',
  createDriver: (o) => new ForkDriver(o),
});
