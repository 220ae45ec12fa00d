/**
 * The shared settings, plus: this app's own `dist/` is loaded by Node itself, exactly as the server
 * loads it, so the task modules workers import are the ones the tests call.
 */
import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

export default mergeConfig(shared, {
  test: { server: { deps: { external: [/\/apps\/http-fanout\/dist\//] } } },
});
