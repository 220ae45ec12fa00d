/**
 * Runs every code sample of the user docs, under every driver it claims to work with, and compares
 * what it prints with the output block the doc shows — so no sample goes stale.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDoc } from './fixtures/doc-samples.js';

const DOCS = ['getting-started.md', 'choosing-a-driver.md', 'api.md', 'channels.md'];
const docsDir = fileURLToPath(new URL('../../../docs/', import.meta.url));
// The samples import '@isolane/core' like an app would: give their directory this app's node_modules.
const nodeModules = fileURLToPath(new URL('../node_modules', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'isolane-doc-samples-'));
symlinkSync(nodeModules, join(root, 'node_modules'), 'dir');
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(dir: string, driver: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['main.mjs'],
      {
        cwd: dir,
        timeout: 60_000,
        env: { ...process.env, ISOLANE_DRIVER: driver === 'explicit' ? '' : driver },
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const normalize = (text: string) => text.replace(/\s+$/, '').replace(/[ \t]+\n/g, '\n');

for (const doc of DOCS) {
  const { samples, untested } = parseDoc(join(docsDir, doc), `docs/${doc}`);
  describe(`docs/${doc}`, () => {
    it('has no code block that escapes the test', () => {
      expect(untested).toEqual([]);
      expect(samples.length).toBeGreaterThan(0);
    });
    for (const sample of samples) {
      describe(`sample "${sample.name}" (line ${sample.line})`, () => {
        it.each(sample.drivers)('prints what the doc says under %s', async (driver) => {
          const dir = join(root, `${doc}-${sample.name}-${driver}`);
          for (const [file, body] of sample.files) {
            mkdirSync(dirname(join(dir, file)), { recursive: true });
            writeFileSync(join(dir, file), body);
          }
          const result = await run(dir, driver);
          expect({ code: result.code, stdout: normalize(result.stdout) }, result.stderr).toEqual({
            code: sample.exit,
            stdout: normalize(sample.output ?? ''),
          });
        });
      });
    }
  });
}
