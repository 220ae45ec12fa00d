import { HOSTILE_CHANNEL_IN_PROCESS_REASON, runConformance } from '@isolane/core/testing';
import { CooperativeDriver } from '../src/index.js';

const sameProcess = 'tasks run on the caller’s event loop, in the caller’s process';

runConformance({
  name: 'cooperative',
  createDriver: (settings) => new CooperativeDriver(settings),
  driverModule: new URL('../dist/index.js', import.meta.url).href,
  manyTasks: 10_000,
  unsupported: {
    'hostile-channel-garbage': { reason: HOSTILE_CHANNEL_IN_PROCESS_REASON },
    'hostile-channel-huge-header': { reason: HOSTILE_CHANNEL_IN_PROCESS_REASON },
    'hostile-channel-forged-answer': { reason: HOSTILE_CHANNEL_IN_PROCESS_REASON },
    'timeout-stops-sync-work': {
      reason: `${sameProcess}: nothing can preempt a synchronous loop; it blocks the process`,
    },
    'timeout-preempts-cpu': {
      reason: `${sameProcess}: a synchronous task runs to its end before any timer fires`,
    },
    'process-exit': { reason: `${sameProcess}: process.exit() ends the caller` },
    'process-tree-crash': {
      reason: `${sameProcess}: a task cannot crash a worker of its own; its process.exit() ends the caller (whose exit then kills what the task started)`,
    },
    'bootstrap-exit': { reason: `${sameProcess}: a bootstrap's process.exit() ends the caller` },
    'uncaught-async-throw': {
      reason: `${sameProcess}: an uncaught exception is the caller’s uncaught exception`,
    },
    'unhandled-rejection': {
      reason: `${sameProcess}: an unhandled rejection is the caller’s (Node exits on it by default)`,
    },
    'out-of-memory': {
      reason: `${sameProcess}: memoryLimitMb cannot be enforced; the caller runs out of memory`,
    },
    'oom-wording': {
      reason: `${sameProcess}: memoryLimitMb cannot be enforced, so there is no out-of-memory failure to word`,
    },
    'patched-builtins': {
      reason: `${sameProcess}: a task's patched builtins are the caller's own (Map, Array, Promise, JSON, process…); nothing in one process can be protected from another part of it`,
    },
    'late-throw': {
      reason: `${sameProcess}: a throw from a left-behind timer is the caller’s uncaught exception`,
    },
  },
});
