/** The queue's volume run alone (run by `.ci/reliability`; see vitest.config.ts). */
import { defineConfig } from 'vitest/config';
import base, { SCALE_FILES } from './vitest.config.js';

// Not mergeConfig: it would append to the shared `include` instead of replacing it.
export default defineConfig({ ...base, test: { ...base.test, include: SCALE_FILES, exclude: [] } });
