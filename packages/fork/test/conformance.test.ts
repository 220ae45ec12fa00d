// The shared conformance suite, run against the built fork driver (children load dist/child-entry.js).
import { runConformance } from '@isolane/core/testing';
import { createDriver } from '@isolane/fork';

runConformance({
  name: 'fork',
  createDriver,
  driverModule: import.meta.resolve('@isolane/fork'),
  // A fresh process per task: 200 keeps the case meaningful without minutes of spawning.
  manyTasks: 200,
});
