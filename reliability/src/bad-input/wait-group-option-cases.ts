/**
 * Bad-input cases for `new WaitGroup(options)`: wrong types, out-of-range numbers, unknown driver names
 * and misspelt options, a concurrency given next to a Driver instance, and a bad ISOLANE_DRIVER.
 */
import { DRIVER_ENV, WaitGroup } from '@isolane/core';
import { type BadInputCase, captureSync, throwsRange, throwsType, wgCase } from './case-kit.js';

/** WaitGroup options, in the order of the doc's table. */
export const WAIT_GROUP_OPTION_CASES: readonly BadInputCase[] = [
  wgCase('42 (not an object)', 42, throwsType(/WaitGroup options must be an object, got number/)),
  wgCase('{ concurrency: "4" }', { concurrency: '4' }, throwsType(/options\.concurrency must be a number/)),
  wgCase(
    '{ concurrency: 0 }',
    { concurrency: 0 },
    throwsRange(/options\.concurrency must be an integer from 1 to 4096/),
  ),
  wgCase(
    '{ concurrency: 1.5 }',
    { concurrency: 1.5 },
    throwsRange(/options\.concurrency must be an integer/),
  ),
  wgCase(
    '{ concurrency: 5000 }',
    { concurrency: 5000 },
    throwsRange(/options\.concurrency must be an integer from 1 to 4096/),
  ),
  wgCase(
    '{ timeout: -1 }',
    { timeout: -1 },
    throwsRange(/options\.timeout must be a number of ms from 0 to 2147483647 \(or Infinity\)/),
  ),
  wgCase(
    '{ timeout: NaN }',
    { timeout: Number.NaN },
    throwsRange(/options\.timeout must be a number of ms from 0 to 2147483647/),
  ),
  wgCase('{ timeout: "5s" }', { timeout: '5s' }, throwsType(/options\.timeout must be a number of ms/)),
  wgCase(
    '{ timeout: 2 ** 31 }',
    { timeout: 2 ** 31 },
    throwsRange(/options\.timeout must be a number of ms from 0 to 2147483647/),
  ),
  wgCase(
    '{ memoryLimitMb: 4 }',
    { memoryLimitMb: 4 },
    throwsRange(/options\.memoryLimitMb must be an integer from 8 to 1048576 MiB/),
  ),
  wgCase(
    '{ memoryLimitMb: Infinity }',
    { memoryLimitMb: Number.POSITIVE_INFINITY },
    throwsRange(/options\.memoryLimitMb/),
  ),
  wgCase(
    '{ driver: "thred" }',
    { driver: 'thred' },
    throwsType(
      /options\.driver must be one of "pool", "thread", "fork", "cooperative", "queue"; got "thred"/,
    ),
  ),
  wgCase(
    '{ driver: 42 }',
    { driver: 42 },
    throwsType(/options\.driver must be a driver name or a Driver instance/),
  ),
  wgCase(
    '{ driver: {} }',
    { driver: {} },
    throwsType(/options\.driver must be a driver name or a Driver instance/),
  ),
  wgCase(
    '{ bootstrap: "./boot.js" } (relative)',
    { bootstrap: './boot.js' },
    throwsType(/options\.bootstrap must be a module URL or an absolute path, got the relative path/),
  ),
  wgCase(
    '{ bootstrap: 42 }',
    { bootstrap: 42 },
    throwsType(/options\.bootstrap must be a module URL or an absolute path/),
  ),
  wgCase('{ signal: "abort" }', { signal: 'abort' }, throwsType(/options\.signal must be an AbortSignal/)),
  wgCase('{ onError: "log" }', { onError: 'log' }, throwsType(/options\.onError must be a function/)),
  wgCase(
    '{ globals: ["not an identifier"] }',
    { globals: ['not an identifier'] },
    throwsType(/options\.globals must be an array of identifier names/),
  ),
  wgCase(
    '{ driverOptions: "fast" }',
    { driverOptions: 'fast' },
    throwsType(/options\.driverOptions must be an object/),
  ),
  wgCase('{ cwd: 42 }', { cwd: 42 }, throwsType(/options\.cwd must be a directory path string/)),
  wgCase(
    '{ concurency: 4 } (misspelt)',
    { concurency: 4 },
    throwsType(/unknown WaitGroup option "concurency"/),
  ),
  {
    entry: 'new WaitGroup(options)',
    input: '{ driver: <Driver instance>, concurrency: 2 }',
    expected: throwsType(/options\.concurrency belongs to the driver/),
    run: async (ctx) => {
      const { createNamedDriver } = await import('../drivers.js');
      const driver = await createNamedDriver('cooperative', { concurrency: 1 });
      try {
        return {
          thrownSync: captureSync(() => new WaitGroup({ driver, concurrency: 2, cwd: ctx.cleanDir })),
        };
      } finally {
        await driver.close();
      }
    },
  },
  {
    entry: `${DRIVER_ENV} environment variable`,
    input: `${DRIVER_ENV}=thred`,
    expected: throwsType(/environment variable ISOLANE_DRIVER must be one of .*; got "thred"/),
    run: (ctx) => {
      const saved = process.env[DRIVER_ENV];
      process.env[DRIVER_ENV] = 'thred';
      try {
        return new WaitGroup({ cwd: ctx.cleanDir });
      } finally {
        if (saved === undefined) delete process.env[DRIVER_ENV];
        else process.env[DRIVER_ENV] = saved;
      }
    },
  },
];
