/**
 * Worker flags: what Node refuses for a thread, and where tsx's API is when workers must hook it.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  loaderSpecifiers,
  rejectedFlags,
  startWorkerThread,
  tsxHooksWorkers,
  workerTsxHook,
} from '../../src/driver-kit/worker-flags.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

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

describe('startWorkerThread', () => {
  it('passes the parent’s flags, minus main-script flags and those Node refuses for a thread', async () => {
    const saved = process.execArgv;
    process.execArgv = ['--input-type=module', '--max-old-space-size=100', '--no-warnings'];
    try {
      const worker = startWorkerThread(
        'require("node:worker_threads").parentPort.postMessage(process.execArgv)',
        {
          eval: true,
        },
      );
      const execArgv = await new Promise((resolve) => worker.once('message', resolve));
      expect(execArgv).toEqual(['--no-warnings']);
      await worker.terminate();
    } finally {
      process.execArgv = saved;
    }
  });
});
