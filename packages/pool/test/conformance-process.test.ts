/**
 * The shared conformance suite, run against the pool's process runtime (`runtime: 'process'`): warm
 * child processes keep every out-of-process guarantee the thread runtime keeps.
 */
import type { DriverSettings } from '@isolane/core';
import { MESSAGE_CASE_IDS, NO_MESSAGES_REASON, runConformance } from '@isolane/core/testing';
import { createDriver } from '@isolane/pool';

const withProcesses = (settings: DriverSettings) =>
  createDriver({ ...settings, options: { ...settings.options, runtime: 'process' } });

runConformance({
  name: 'pool (processes)',
  createDriver: withProcesses,
  driverModule: import.meta.resolve('@isolane/pool'),
  manyTasks: 2_000,
  unsupported: {
    // Task messages (issue 18) are not carried by this driver yet: remove this line when they are.
    ...Object.fromEntries(MESSAGE_CASE_IDS.map((id) => [id, { reason: NO_MESSAGES_REASON }])),
  },
});
