/**
 * The fuzz soak alone (run by `.ci/reliability`; see vitest.config.ts). FUZZ_SEED, FUZZ_RUNS and
 * FUZZ_MAX_STEPS work as before.
 */
import { defineConfig } from 'vitest/config';
import shared from '../vitest.shared.js';
import { FUZZ_FILES } from './vitest.config.js';

// Not mergeConfig: it would append to the shared `include` instead of replacing it.
export default defineConfig({ ...shared, test: { ...shared.test, include: FUZZ_FILES } });
