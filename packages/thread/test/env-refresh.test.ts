/**
 * Environment freshness under the thread driver: prespawned threads keep the environment they were
 * started with until `recycle()` (core's shared suite).
 */
import { runEnvRefreshSuite } from '@isolane/core/testing';
import { ThreadDriver } from '@isolane/thread';

runEnvRefreshSuite({
  name: 'thread',
  createDriver: () => new ThreadDriver({ concurrency: 1, prespawn: 1 }),
  driverOptions: { prespawn: 1 },
});
