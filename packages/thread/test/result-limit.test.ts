/** `maxResultMb` under the thread driver (core's shared suite). */
import { runResultLimitSuite } from '@isolane/core/testing';
import { ThreadDriver } from '@isolane/thread';

runResultLimitSuite({
  name: 'thread',
  driverModule: '@isolane/thread',
  driverExport: 'ThreadDriver',
  createDriver: (o) => new ThreadDriver(o),
});
