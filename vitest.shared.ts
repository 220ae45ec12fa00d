/**
 * Vitest settings every package shares. Workspace packages are loaded from their built `dist/` by
 * Node itself (externalized), exactly as users and workers load them — otherwise Vite would rewrite
 * their `import()` calls and inline functions would carry Vite's helpers.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.test.json' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    server: { deps: { external: [/\/dist\//, /node_modules/] } },
  },
});
