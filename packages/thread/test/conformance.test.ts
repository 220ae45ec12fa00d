/**
 * The shared conformance suite, run against the thread driver: every out-of-process guarantee holds, so
 * its expectation table is empty.
 */
import { runConformance } from '@isolane/core/testing';
import { ThreadDriver } from '@isolane/thread';

runConformance({
  name: 'thread',
  createDriver: (settings) =>
    new ThreadDriver({
      concurrency: settings.concurrency,
      ...(settings.bootstrap !== undefined ? { bootstrap: settings.bootstrap } : {}),
      ...(settings.memoryLimitMb !== undefined ? { memoryLimitMb: settings.memoryLimitMb } : {}),
    }),
  driverModule: import.meta.resolve('@isolane/thread'),
});
