/**
 * The shared conformance suite, run against the thread driver: every out-of-process guarantee holds; its
 * expectation table lists only the hostile-channel cases (a thread shares the host's file descriptors).
 */
import { HOSTILE_CHANNEL_IN_PROCESS_REASON, runConformance } from '@isolane/core/testing';
import { ThreadDriver } from '@isolane/thread';

runConformance({
  name: 'thread',
  createDriver: ({ concurrency, bootstrap, memoryLimitMb, bootstrapTimeout }) =>
    new ThreadDriver({ concurrency, bootstrap, memoryLimitMb, bootstrapTimeout }),
  driverModule: import.meta.resolve('@isolane/thread'),
  // A fresh thread per task: 200 keep the case about order and completeness; the 1,000-thread volume
  // (every result present, correct and in slot order, nothing left behind) is reliability's stress run.
  manyTasks: 200,
  unsupported: {
    'hostile-channel-garbage': { reason: HOSTILE_CHANNEL_IN_PROCESS_REASON },
    'hostile-channel-huge-header': { reason: HOSTILE_CHANNEL_IN_PROCESS_REASON },
    'hostile-channel-forged-answer': { reason: HOSTILE_CHANNEL_IN_PROCESS_REASON },
  },
});
