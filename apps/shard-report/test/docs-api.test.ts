/**
 * Keeps docs/api.md complete: every name the public entry points export (core and each driver
 * package) must be documented there, as inline code.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const api = readFileSync(repo('docs/api.md'), 'utf8');

function exportedNames(indexFile: string): string[] {
  const source = readFileSync(repo(indexFile), 'utf8');
  const names: string[] = [];
  for (const match of source.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}\s+from/g)) {
    for (const part of match[1]!.split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop()!
        .trim();
      if (name) names.push(name);
    }
  }
  return names;
}

describe.each([
  'packages/core/src/index.ts',
  'packages/pool/src/index.ts',
  'packages/thread/src/index.ts',
  'packages/fork/src/index.ts',
  'packages/cooperative/src/index.ts',
])('docs/api.md covers %s', (indexFile) => {
  it('documents every export', () => {
    const names = exportedNames(indexFile);
    expect(names.length).toBeGreaterThan(2);
    const missing = names.filter((name) => !new RegExp(`\`${name.replace('$', '\\$')}(\`|[<( .])`).test(api));
    expect(missing).toEqual([]);
  });
});
