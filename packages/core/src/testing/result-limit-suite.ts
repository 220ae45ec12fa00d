/**
 * The `maxResultMb` suite, run by every out-of-process driver: a result larger than the limit once
 * serialized fails its slot as `unserializable` (`ResultTooLargeError`) in the worker, so it never
 * reaches the parent — a host with a small heap survives a task returning a 4M-node object — while a
 * result under the limit arrives as before; the option is reached through the WaitGroup too.
 */
import { describe, expect, it } from 'vitest';
import type { Driver } from '../driver.js';
import type { TaskFailure } from '../failure.js';
import { WaitGroup } from '../wait-group.js';
import { runFlaggedHost } from './heap-limit-suite.js';

/** How the suite makes the driver under test. */
export interface ResultLimitSuiteOptions {
  /** The driver's name, as `driver:`. */
  readonly name: 'fork' | 'thread' | 'pool';
  /** The module the host imports the driver class from, e.g. '@isolane/fork'. */
  readonly driverModule: string;
  /** The class's export name, e.g. 'ForkDriver'. */
  readonly driverExport: string;
  /** Creates a private driver with these options (concurrency 1 and maxResultMb come from the suite). */
  readonly createDriver: (options: { concurrency: number; maxResultMb?: number }) => Driver;
  /** More driver options (e.g. `{ runtime: 'process' }`). */
  readonly driverOptions?: Readonly<Record<string, unknown>>;
}

const bigString = (mb: number) => 'x'.repeat(mb * 1024 * 1024);

/** The host: one task returning an array of `nodes` small objects (its worker may use 2 GiB). */
function hostSource(o: ResultLimitSuiteOptions, maxResultMb: number | undefined, nodes: number): string {
  const options = JSON.stringify({
    concurrency: 1,
    ...o.driverOptions,
    // A generous heap for the task itself, as in the report (the host's own is 200 MiB).
    memoryLimitMb: 2048,
    ...(maxResultMb === undefined ? {} : { maxResultMb }),
  });
  return `
import { WaitGroup } from '@isolane/core';
import { ${o.driverExport} as D } from '${o.driverModule}';
const driver = new D(${options});
const wg = new WaitGroup({ driver, timeout: 120000 });
wg.go((n) => Array.from({ length: n }, (_, i) => ({ i, s: 'n' })), ${nodes});
const [slot] = await wg.wait();
await wg.close();
await driver.close();
const shown = slot.ok ? { ok: true, length: slot.value.length } : slot;
process.stdout.write('SLOT ' + JSON.stringify(shown) + '\\n');
`;
}

function expectTooLarge(error: TaskFailure | undefined, maxResultMb: number): void {
  expect(error).toMatchObject({ kind: 'unserializable', name: 'ResultTooLargeError' });
  expect(error?.message).toMatch(
    new RegExp(
      `^the task's result cannot be sent back: it is [0-9.]+ MiB serialized, over maxResultMb \\(${maxResultMb}\\)$`,
    ),
  );
}

/**
 * Registers the `maxResultMb` cases for one driver in the current vitest file.
 *
 * @example
 * ```ts
 * // packages/fork/test/result-limit.test.ts
 * runResultLimitSuite({ name: 'fork', driverModule: '@isolane/fork', driverExport: 'ForkDriver',
 *   createDriver: (o) => new ForkDriver(o) });
 * ```
 */
export function runResultLimitSuite(options: ResultLimitSuiteOptions): void {
  const { name, driverOptions = {} } = options;
  const label = Object.keys(driverOptions).length > 0 ? ` ${JSON.stringify(driverOptions)}` : '';

  describe(`${name} driver${label}: maxResultMb`, () => {
    it('a result over the limit fails as unserializable; one under it and the next task succeed', async () => {
      const driver = options.createDriver({ concurrency: 1, maxResultMb: 1 });
      try {
        const wg = new WaitGroup({ driver, timeout: 60_000 });
        wg.go(bigString, 3);
        wg.go(bigString, 0.5);
        wg.go(() => 'next');
        const [big, small, next] = await wg.wait();
        expectTooLarge(big?.ok ? undefined : big?.error, 1);
        expect(small?.ok && (small.value as string).length).toBe(512 * 1024);
        expect(next).toMatchObject({ ok: true, value: 'next' });
      } finally {
        await driver.close();
      }
    }, 120_000);

    it('through the WaitGroup option maxResultMb (a shared driver)', async () => {
      const wg = new WaitGroup({
        driver: name,
        concurrency: 1,
        maxResultMb: 2,
        driverOptions,
        timeout: 60_000,
      });
      try {
        wg.go(bigString, 3);
        const [big] = await wg.wait();
        expectTooLarge(big?.ok ? undefined : big?.error, 2);
      } finally {
        await wg.close();
      }
    }, 120_000);

    // 2M small objects: 31 MiB serialized, more than a 100 MiB heap can take back (it died of it).
    it('a host with a 100 MiB heap survives a task returning 2M objects (maxResultMb 16)', async () => {
      const slot = await runFlaggedHost(hostSource(options, 16, 2_000_000), 100, 'execArgv');
      expectTooLarge((slot as { error?: TaskFailure }).error, 16);
    }, 240_000);

    it('without maxResultMb a result of any size is sent (here 3 MiB)', async () => {
      const driver = options.createDriver({ concurrency: 1 });
      try {
        const wg = new WaitGroup({ driver, timeout: 60_000 });
        wg.go(bigString, 3);
        const [r] = await wg.wait();
        expect(r?.ok && (r.value as string).length).toBe(3 * 1024 * 1024);
      } finally {
        await driver.close();
      }
    }, 120_000);
  });
}
