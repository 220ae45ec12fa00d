import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// Each file starts its own Redis and worker processes: one file at a time keeps a 2-core machine sane.
// A redis-server binary is made sure of once, before any file starts its private server.
export default mergeConfig(shared, {
  test: { fileParallelism: false, globalSetup: ['./test/helpers/ensure-redis.ts'] },
});
