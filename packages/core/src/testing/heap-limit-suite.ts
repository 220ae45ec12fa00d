/**
 * The `memoryLimitMb` suite, run by every out-of-process driver: the limit is the one in force whatever
 * `--max-old-space-size` the host was started with (in `NODE_OPTIONS` or its own flags). Each case starts
 * a fresh host process with the flag, runs one task holding some MiB of heap under the driver, and reads
 * the slot: over the limit it is `oom` naming the limit, under it the task's value.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Result, TaskFailure } from '../index.js';

/** How the suite makes the driver under test inside the host. */
export interface HeapLimitSuiteOptions {
  /** A label for the describe block. */
  readonly name: string;
  /** The module the host imports the driver class from, e.g. '@isolane/thread'. */
  readonly driverModule: string;
  /** The class's export name, e.g. 'ThreadDriver'. */
  readonly driverExport: string;
  /** More driver options (e.g. `{ runtime: 'process' }`). */
  readonly driverOptions?: Readonly<Record<string, unknown>>;
}

/** The host: one driver with `memoryLimitMb`, one task holding `holdMb` MiB of heap; prints the slot. */
function hostSource(o: HeapLimitSuiteOptions, memoryLimitMb: number, holdMb: number): string {
  const options = JSON.stringify({ concurrency: 1, ...o.driverOptions, memoryLimitMb });
  return `
import { WaitGroup } from '@isolane/core';
import { ${o.driverExport} as D } from '${o.driverModule}';
const driver = new D(${options});
const wg = new WaitGroup({ driver, timeout: 120000 });
wg.go((mb) => {
  const keep = [];
  for (let i = 0; i < mb; i++) keep.push(new Array(131072).fill(i + 0.5));
  return keep.length;
}, ${holdMb});
const [slot] = await wg.wait();
await wg.close();
await driver.close();
process.stdout.write('SLOT ' + JSON.stringify(slot) + '\\n');
`;
}

/**
 * Runs a host (ESM `source`, which prints `SLOT <json>`) with `--max-old-space-size` given in
 * `NODE_OPTIONS` or on its command line; the slot it printed. Rejects when the host printed none (it
 * died), with the end of its stderr.
 *
 * @example
 * ```ts
 * const slot = await runFlaggedHost(source, 200, 'execArgv');
 * ```
 */
export function runFlaggedHost(
  source: string,
  hostFlagMb: number,
  via: 'NODE_OPTIONS' | 'execArgv',
): Promise<Result<unknown>> {
  const flag = `--max-old-space-size=${hostFlagMb}`;
  const env = { ...process.env, NODE_OPTIONS: via === 'NODE_OPTIONS' ? flag : '' };
  const args = [...(via === 'execArgv' ? [flag] : []), '--input-type=module', '-e', source];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: process.cwd(),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('SLOT '));
      if (line === undefined)
        reject(new Error(`host ended (${code ?? signal}) without a slot: ${err.slice(-2000)}`));
      else resolve(JSON.parse(line.slice(5)) as Result<unknown>);
    });
  });
}

function expectOom(slot: Result<unknown>, limitMb: number): void {
  expect(slot.ok, `the task must fail as oom, got ${JSON.stringify(slot)}`).toBe(false);
  const error = (slot as { error: TaskFailure }).error;
  expect(error.kind).toBe('oom');
  expect(error.message).toContain(`(memoryLimitMb: ${limitMb})`);
}

/**
 * Registers the `memoryLimitMb`-against-host-flags cases for one driver in the current vitest file.
 *
 * @example
 * ```ts
 * // packages/thread/test/heap-limit.test.ts
 * import { runHeapLimitSuite } from '@isolane/core/testing';
 * runHeapLimitSuite({ name: 'thread', driverModule: '@isolane/thread', driverExport: 'ThreadDriver' });
 * ```
 */
export function runHeapLimitSuite(options: HeapLimitSuiteOptions): void {
  describe(`${options.name}: memoryLimitMb whatever the host's --max-old-space-size`, () => {
    it('host NODE_OPTIONS=--max-old-space-size=2048, memoryLimitMb 64: a task holding 300 MiB is oom (64)', async () => {
      expectOom(await runFlaggedHost(hostSource(options, 64, 300), 2048, 'NODE_OPTIONS'), 64);
    }, 180_000);

    it('host --max-old-space-size=2048 on its command line, memoryLimitMb 64: oom (64)', async () => {
      expectOom(await runFlaggedHost(hostSource(options, 64, 300), 2048, 'execArgv'), 64);
    }, 180_000);

    it('host --max-old-space-size=200, memoryLimitMb 1024: a task holding 400 MiB succeeds', async () => {
      const slot = await runFlaggedHost(hostSource(options, 1024, 400), 200, 'execArgv');
      expect(slot, JSON.stringify(slot)).toMatchObject({ ok: true, value: 400 });
    }, 180_000);
  });
}
