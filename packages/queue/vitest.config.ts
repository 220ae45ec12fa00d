import { mergeConfig } from 'vitest/config';
import { twoFilesAtATime } from '../../vitest.two-files.js';

/**
 * The volume run (10,000 tasks through 4 workers) is a soak, not a unit of behaviour: `pnpm test`
 * leaves it to `.ci/reliability`, which runs it through vitest.scale.config.ts (`pnpm test:scale`) and
 * fails CI on it. Everything else here runs in `pnpm test`.
 */
export const SCALE_FILES = ['test/scale.test.ts'];

// Two files at a time, the conformance suite and the faults first (most of the time): each file starts its
// own Redis on a free port, marks its worker processes with a uuid of its own (their leftover check looks
// for that marker only) and names its queues with a uuid. A redis-server binary is made sure of once,
// before any file starts its private server.
export default mergeConfig(twoFilesAtATime(['test/conformance.test.ts', 'test/faults.test.ts']), {
  test: {
    globalSetup: ['./test/helpers/ensure-redis.ts'],
    exclude: ['**/node_modules/**', ...SCALE_FILES],
  },
});
