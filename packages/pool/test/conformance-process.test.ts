/**
 * The shared conformance suite, run against the pool's process runtime (`runtime: 'process'`): warm
 * child processes keep every out-of-process guarantee the thread runtime keeps.
 */
import type { DriverSettings } from '@isolane/core';
import { runConformance } from '@isolane/core/testing';
import { createDriver } from '@isolane/pool';

const withProcesses = (settings: DriverSettings) =>
  createDriver({ ...settings, options: { ...settings.options, runtime: 'process' } });

runConformance({
  name: 'pool (processes)',
  createDriver: withProcesses,
  driverModule: import.meta.resolve('@isolane/pool'),
  manyTasks: 2_000,
});
