// The README's first example, run as written: its output must be what the README shows.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('README', () => {
  it('the example prints what the README says', async () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    const [, code] = /## Example\n\n```js\n([\s\S]*?)```/.exec(readme) ?? [];
    const [, shown] =
      /prints \(the first two lines may come in either order\):\n\n```text\n([\s\S]*?)```/.exec(readme) ?? [];
    expect(code).toBeDefined();
    expect(shown).toBeDefined();
    // Inside the package, so `@isolane/commands` resolves to itself (self-reference through exports).
    mkdirSync(`${root}.scratch`, { recursive: true });
    const file = `${root}.scratch/readme-example.mjs`;
    writeFileSync(file, code as string);
    const { stdout } = await promisify(execFile)(process.execPath, [file], { timeout: 60_000 });
    const lines = stdout.trimEnd().split('\n');
    const expected = (shown as string).trimEnd().split('\n');
    expect([...lines.slice(0, 2)].sort()).toEqual([...expected.slice(0, 2)].sort());
    expect(lines.slice(2)).toEqual(expected.slice(2));
  }, 60_000);
});
