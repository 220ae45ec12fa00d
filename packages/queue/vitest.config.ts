import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// Each file starts its own Redis and worker processes: one file at a time keeps a 2-core machine sane.
export default mergeConfig(shared, { test: { fileParallelism: false } });
