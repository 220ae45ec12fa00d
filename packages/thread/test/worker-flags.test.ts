/**
 * The parent's flags as workers get them, and TypeScript task modules run through the thread driver when
 * the parent runs under tsx (checked in a fresh `node --import tsx` process and with the tsx CLI).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  loaderSpecifiers,
  rejectedFlags,
  tsxHooksWorkers,
  workerExecArgv,
  workerTsxHook,
} from '../src/worker-flags.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('workerExecArgv', () => {
  it('drops flags about the main script and keeps loaders', () => {
    expect(
      workerExecArgv([
        '--input-type=module',
        '--import',
        'tsx',
        '-e',
        'console.log(1)',
        '--conditions=dev',
        '--test-name-pattern',
        'x',
        '--enable-source-maps',
      ]),
    ).toEqual(['--import', 'tsx', '--conditions=dev', '--enable-source-maps']);
    expect(workerExecArgv(['--input-type', 'module', '--watch', '--no-warnings'])).toEqual(['--no-warnings']);
  });
});

describe('rejectedFlags', () => {
  it('reads the flags Node refused for a worker', async () => {
    const { Worker } = await import('node:worker_threads');
    let error: unknown;
    try {
      new Worker('0', { eval: true, execArgv: ['--max-old-space-size=100', '--no-warnings'] });
    } catch (err) {
      error = err;
    }
    expect(rejectedFlags(error)).toEqual(['--max-old-space-size=100']);
    expect(rejectedFlags(new Error('other'))).toBeUndefined();
  });
});

describe('tsx detection', () => {
  it('finds --import / --loader values in both spellings', () => {
    expect(loaderSpecifiers(['--import', 'tsx', '--loader=./l.mjs', '--experimental-loader', 'x'])).toEqual([
      'tsx',
      './l.mjs',
      'x',
    ]);
  });

  it('knows on which Node versions tsx hooks workers by itself', () => {
    expect(tsxHooksWorkers('20.20.2')).toBe(false);
    expect(tsxHooksWorkers('22.18.0')).toBe(false);
    expect(tsxHooksWorkers('22.22.3')).toBe(true);
    expect(tsxHooksWorkers('24.11.1')).toBe(true);
    expect(tsxHooksWorkers('26.0.0')).toBe(true);
  });

  it('resolves tsx’s ESM API from the working directory or from the tsx CLI’s loader path', () => {
    const href = workerTsxHook(['--import', 'tsx'], '20.20.2', packageDir);
    expect(href).toMatch(/^file:\/\/.*\/tsx\/dist\/esm\/api\/index\.mjs$/);
    const loader = href!.replace(/esm\/api\/index\.mjs$/, 'loader.mjs');
    expect(workerTsxHook(['--require', 'x.cjs', '--import', loader], '20.20.2', packageDir)).toBe(href);
    expect(workerTsxHook(['--import', 'tsx'], '24.12.0', packageDir)).toBeUndefined();
    expect(workerTsxHook(['--enable-source-maps'], '20.20.2', packageDir)).toBeUndefined();
  });
});

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
