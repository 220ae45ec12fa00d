/**
 * Conformance cases run in a fresh Node process: an idle driver lets its process exit, and TypeScript
 * task modules run under tsx without a build step.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture } from './case-helpers.js';
import type { ConformanceCase } from './case-types.js';
import { runNode } from './run-node.js';

/** Cases that need a host process of their own. */
export const CHILD_HOST_CASES: readonly ConformanceCase[] = [
  {
    id: 'idle-exits',
    title: 'an idle driver that was never closed does not keep its process alive',
    timeout: 60_000,
    async run(ctx) {
      assert.ok(ctx.driverModule, 'this case needs the driver module URL');
      const script = `
        const { WaitGroup } = await import(${JSON.stringify(new URL('../index.js', import.meta.url).href)});
        const { createDriver } = await import(${JSON.stringify(ctx.driverModule)});
        const { add } = await import(${JSON.stringify(fixture('tasks.js'))});
        const wg = new WaitGroup({ driver: createDriver({ concurrency: 2 }) });
        wg.go(add, 2, 2);
        const [r] = await wg.wait();
        console.log('RESULT', JSON.stringify(r.ok ? r.value : r.error));`;
      const { out, code: exited } = await runNode(
        ['--input-type=module', '-e', script],
        process.cwd(),
        30_000,
      );
      assert.match(out, /RESULT 4/, 'the task must have run');
      // An idle driver that held the process open would keep it forever; 30 s only bounds a busy start.
      assert.equal(exited, 0, 'the process must exit on its own within 30 s once its work is done');
    },
  },
  {
    id: 'typescript-tasks',
    title: 'TypeScript task modules run without a build step when the parent runs under tsx',
    timeout: 120_000,
    async run(ctx) {
      assert.ok(ctx.driverModule, 'this case needs the driver module URL');
      let tsxLoader: string;
      let tsxCli: string;
      try {
        tsxLoader = import.meta.resolve('tsx');
        tsxCli = fileURLToPath(import.meta.resolve('tsx/cli'));
      } catch {
        throw new Error('this case needs the tsx package installed next to @isolane/core');
      }
      const dir = mkdtempSync(join(tmpdir(), 'isolane-ts-'));
      try {
        writeFileSync(
          join(dir, 'task.mts'),
          `import { defineTask } from ${JSON.stringify(new URL('../task-module.js', import.meta.url).href)};
interface Doubled { readonly input: number; readonly output: number }
export const double = defineTask(import.meta.url, 'double', (n: number): Doubled => ({ input: n, output: n * 2 }));
`,
        );
        writeFileSync(
          join(dir, 'main.mts'),
          `import { WaitGroup } from ${JSON.stringify(new URL('../index.js', import.meta.url).href)};
import { createDriver } from ${JSON.stringify(ctx.driverModule)};
import { double } from './task.mjs';
const driver = createDriver({ concurrency: 2 });
const wg = new WaitGroup({ driver });
wg.go(double, 21);
wg.go((s: string): string => s.toUpperCase(), 'inline');
const results = await wg.wait();
await driver.close();
process.stdout.write(\`RESULTS \${JSON.stringify(results.map((r) => (r.ok ? r.value : r.error)))}\\n\`);
`,
        );
        const expected = `RESULTS ${JSON.stringify([{ input: 21, output: 42 }, 'INLINE'])}`;
        for (const args of [
          ['--import', tsxLoader, 'main.mts'],
          [tsxCli, 'main.mts'],
        ]) {
          const { out, err, code } = await runNode(args, dir, 60_000);
          assert.ok(out.includes(expected), `node ${args.join(' ')} printed:\n${out}\n${err}`);
          assert.equal(code, 0);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
