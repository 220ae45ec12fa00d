/**
 * The shared conformance suite, run against the thread driver: every out-of-process guarantee holds, so
 * its expectation table is empty.
 */
import { runConformance } from '@isolane/core/testing';
import { ThreadDriver } from '@isolane/thread';

runConformance({
  name: 'thread',
  createDriver: ({ concurrency, bootstrap, memoryLimitMb, bootstrapTimeout }) =>
    new ThreadDriver({ concurrency, bootstrap, memoryLimitMb, bootstrapTimeout }),
  driverModule: import.meta.resolve('@isolane/thread'),
});
