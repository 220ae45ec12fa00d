/**
 * The shared settings, plus: this app's own `dist/` is loaded by Node itself, as the CLI loads it, so
 * its inline tasks are the source users write, not Vite's transform of it.
 */
import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

export default mergeConfig(shared, {
  test: { server: { deps: { external: [/\/apps\/shard-report\/dist\//] } } },
});
