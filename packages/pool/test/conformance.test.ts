/**
 * The shared conformance suite, run against the pool driver: warm workers keep every out-of-process
 * guarantee, so its expectation table is empty.
 */
import { runConformance } from '@isolane/core/testing';
import { createDriver } from '@isolane/pool';

runConformance({
  name: 'pool',
  createDriver,
  driverModule: import.meta.resolve('@isolane/pool'),
  manyTasks: 10_000,
});
