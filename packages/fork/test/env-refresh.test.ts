/**
 * Environment freshness under the fork driver: prespawned children keep the environment they were
 * started with until `recycle()` (core's shared suite).
 */
import { runEnvRefreshSuite } from '@isolane/core/testing';
import { ForkDriver } from '@isolane/fork';

runEnvRefreshSuite({
  name: 'fork',
  createDriver: () => new ForkDriver({ concurrency: 1, prespawn: 1 }),
  driverOptions: { prespawn: 1 },
});
