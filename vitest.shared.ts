/**
 * Vitest settings every package shares. Workspace packages are loaded from their built `dist/` by
 * Node itself (externalized), exactly as users and workers load them — otherwise Vite would rewrite
 * their `import()` calls and inline functions would carry Vite's helpers. Type tests (`*.test-d.ts`) run
 * only in packages that have some, so the others do not print Vitest's "experimental" type-check note.
 */
import { existsSync, readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const hasTypeTests =
  existsSync('test') &&
  readdirSync('test', { recursive: true }).some((f) => String(f).endsWith('.test-d.ts'));

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    typecheck: { enabled: hasTypeTests, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.test.json' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    server: { deps: { external: [/\/dist\//, /node_modules/] } },
  },
});
