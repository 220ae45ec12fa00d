/**
 * TypeScript task modules run through the pool driver when the parent runs under tsx (checked in a
 * fresh `node --import tsx` process and with the tsx CLI).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

function runNode(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

const expected = `RESULTS ${JSON.stringify([{ input: 21, output: 42 }, 'INLINE'])}`;

describe('TypeScript task modules under tsx', () => {
  it('run with `node --import tsx`', async () => {
    const { code, out, err } = await runNode(['--import', 'tsx', 'test/fixtures/run-ts-task.ts']);
    expect(out, err).toContain(expected);
    expect(code).toBe(0);
  });

  it('run with the tsx CLI', async () => {
    const cli = fileURLToPath(import.meta.resolve('tsx/cli'));
    const { code, out, err } = await runNode([cli, 'test/fixtures/run-ts-task.ts']);
    expect(out, err).toContain(expected);
    expect(code).toBe(0);
  });
});
