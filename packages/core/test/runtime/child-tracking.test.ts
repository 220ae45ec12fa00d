/**
 * The runtime's child_process wrappers, run in a fresh Node process each (they patch that process's
 * builtin module): a worker's marker reaches a process started with an explicit env, after the task
 * deleted it, through ES module named imports and util.promisify; under cooperative, only inside a task's
 * async context.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const tracking = new URL('../../dist/runtime/child-tracking.js', import.meta.url).href;

/** Runs an ES module script in a fresh Node with `env`; returns its stdout lines. */
function run(script: string, env: Record<string, string>): string[] {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(r.stderr).toBe('');
  return r.stdout.trim().split('\n');
}

const PRINT = `"process.stdout.write(String(process.env.ISOLANE_TREE))"`;

describe('trackChildProcesses', () => {
  it('puts the marker the worker started with on every process it starts', () => {
    const lines = run(
      `
      const { trackChildProcesses } = await import(${JSON.stringify(tracking)});
      trackChildProcesses();
      const { execFileSync, spawnSync, execSync, exec, execFile, fork } = await import('node:child_process');
      const { promisify } = await import('node:util');
      const require = (await import('node:module')).createRequire(import.meta.url);
      delete process.env.ISOLANE_TREE; // a task cannot escape by deleting it
      const node = process.execPath;
      const out = [];
      out.push(execFileSync(node, ['-e', ${PRINT}], { env: { PATH: process.env.PATH } }).toString());
      out.push(spawnSync(node, ['-e', ${PRINT}]).stdout.toString());
      out.push(execSync(JSON.stringify(node) + ' -e ' + JSON.stringify(${PRINT}), { env: {} }).toString());
      out.push((await promisify(exec)(JSON.stringify(node) + ' -e ' + JSON.stringify(${PRINT}))).stdout);
      out.push((await promisify(execFile)(node, ['-e', ${PRINT}], { env: { ISOLANE_TREE: 'mine' } })).stdout);
      out.push(require('node:child_process').execFileSync(node, ['-e', ${PRINT}]).toString());
      const { writeFileSync, rmSync, mkdtempSync } = await import('node:fs');
      const dir = mkdtempSync((await import('node:os')).tmpdir() + '/isolane-ct-');
      writeFileSync(dir + '/child.cjs', 'process.send(String(process.env.ISOLANE_TREE), () => process.disconnect())');
      const child = fork(dir + '/child.cjs', [], { env: {} });
      out.push(await new Promise((r) => child.once('message', r)));
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true });
      console.log(out.join('\\n'));`,
      { ISOLANE_TREE: 'h.r.7' },
    );
    expect(lines).toEqual(['h.r.7', 'h.r.7', 'h.r.7', 'h.r.7', 'mine,h.r.7', 'h.r.7', 'h.r.7']);
  }, 60_000);

  it('reaches named imports made before the wrapping too (a bootstrap or preload that imported child_process first)', () => {
    const lines = run(
      `
      const early = await import('node:child_process'); // its ES module view exists before the wrapping
      const { trackChildProcesses } = await import(${JSON.stringify(tracking)});
      trackChildProcesses();
      const late = await import('node:child_process');
      const node = process.execPath;
      const env = { env: { PATH: process.env.PATH } };
      console.log([early.execFileSync(node, ['-e', ${PRINT}], env), late.execFileSync(node, ['-e', ${PRINT}], env)].join('\\n'));`,
      { ISOLANE_TREE: 'h.r.8' },
    );
    expect(lines).toEqual(['h.r.8', 'h.r.8']);
  }, 30_000);

  it('changes nothing where no marker is in effect', () => {
    const lines = run(
      `
      const { trackChildProcesses } = await import(${JSON.stringify(tracking)});
      trackChildProcesses();
      const { execFileSync } = await import('node:child_process');
      console.log(execFileSync(process.execPath, ['-e', ${PRINT}], { env: { PATH: process.env.PATH } }).toString());`,
      {},
    );
    expect(lines).toEqual(['undefined']);
  }, 30_000);
});

describe('runInProcessTree', () => {
  it("marks only what a task starts inside its async context, never the host's own processes", () => {
    const lines = run(
      `
      const { runInProcessTree, trackChildProcesses } = await import(${JSON.stringify(tracking)});
      trackChildProcesses(); // what the cooperative driver's runtime does when it is created
      const { execFileSync } = await import('node:child_process');
      const print = () => execFileSync(process.execPath, ['-e', ${PRINT}]).toString();
      const inside = await runInProcessTree('t.1', async () => {
        await new Promise((r) => setTimeout(r, 5));
        return print();
      });
      console.log([print(), inside, print()].join('\\n'));`,
      {},
    );
    expect(lines).toEqual(['undefined', 't.1', 'undefined']);
  }, 30_000);
});
