/**
 * The shared conformance suite, run against the pool driver: warm workers keep every out-of-process
 * guarantee; its expectation table lists only the hostile-channel cases (threads share the host's file
 * descriptors).
 */
import { HOSTILE_CHANNEL_IN_PROCESS_REASON, runConformance } from '@isolane/core/testing';
import { createDriver } from '@isolane/pool';

runConformance({
  name: 'pool',
  createDriver,
  driverModule: import.meta.resolve('@isolane/pool'),
  manyTasks: 10_000,
  unsupported: {
    'hostile-channel-garbage': { reason: HOSTILE_CHANNEL_IN_PROCESS_REASON },
    'hostile-channel-huge-header': { reason: HOSTILE_CHANNEL_IN_PROCESS_REASON },
    'hostile-channel-forged-answer': { reason: HOSTILE_CHANNEL_IN_PROCESS_REASON },
  },
});
