/**
 * The package's `pnpm test`: every test file but the fuzz soak, which runs hundreds of random programs
 * per driver and belongs with the reliability checks: `.ci/reliability` runs it through
 * `vitest.fuzz.config.ts` (`pnpm --filter @isolane/reliability test:fuzz`), and it fails CI there.
 */
import { mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.js';

export const FUZZ_FILES = ['test/fuzz.test.ts'];

export default mergeConfig(shared, { test: { exclude: ['**/node_modules/**', ...FUZZ_FILES] } });
