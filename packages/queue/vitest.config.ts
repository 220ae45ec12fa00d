import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

/**
 * The volume run (10,000 tasks through 4 workers) is a soak, not a unit of behaviour: `pnpm test`
 * leaves it to `.ci/reliability`, which runs it through vitest.scale.config.ts (`pnpm test:scale`) and
 * fails CI on it. Everything else here runs in `pnpm test`.
 */
export const SCALE_FILES = ['test/scale.test.ts'];

// Each file starts its own Redis and worker processes: one file at a time keeps a 2-core machine sane.
// A redis-server binary is made sure of once, before any file starts its private server.
export default mergeConfig(shared, {
  test: {
    fileParallelism: false,
    globalSetup: ['./test/helpers/ensure-redis.ts'],
    exclude: ['**/node_modules/**', ...SCALE_FILES],
  },
});
