/**
 * Bad-input cases run once per process-backed or in-process driver: unknown driverOptions, a failing or
 * missing bootstrap, a module task whose export is missing or not a function.
 */
import type { DriverName } from '@isolane/core';
import { defineTask } from '@isolane/core';
import { type BadInputCase, tasks, throwsType } from './case-kit.js';
import { FIXTURES } from './context.js';

const DRIVERS = ['cooperative', 'pool', 'thread', 'fork'] as const;

function bootstrapCases(driver: DriverName): BadInputCase[] {
  return [
    {
      entry: 'options.bootstrap',
      input: `a bootstrap that throws (driver: '${driver}')`,
      expected: {
        surface: 'slot',
        name: 'BootstrapError',
        kind: 'bootstrap',
        message: /bootstrap .* failed: bootstrap exploded on purpose/,
      },
      driver,
      run: (ctx) => {
        const wg = ctx.groupOn(driver, { bootstrap: FIXTURES.bootThrows, concurrency: 1 });
        wg.go(tasks.double, 1);
        return wg.wait();
      },
    },
    {
      entry: 'options.bootstrap',
      input: `a bootstrap file that does not exist (driver: '${driver}')`,
      expected: {
        surface: 'slot',
        name: 'BootstrapError',
        kind: 'bootstrap',
        message: /no-such-bootstrap\.js failed: /,
      },
      platformTail: true,
      driver,
      run: (ctx) => {
        const wg = ctx.groupOn(driver, { bootstrap: FIXTURES.bootMissing, concurrency: 1 });
        wg.go(tasks.double, 1);
        return wg.wait();
      },
    },
    {
      entry: 'wg.go(task, ...args)',
      input: `a module task whose export does not exist (driver: '${driver}')`,
      expected: {
        surface: 'slot',
        name: 'SpawnError',
        kind: 'threw',
        message: /has no export named "noSuchExport"/,
      },
      driver,
      run: (ctx) => {
        const wg = ctx.groupOn(driver, { concurrency: 1 });
        wg.go(defineTask(FIXTURES.tasks, 'noSuchExport', () => 0));
        return wg.wait();
      },
    },
    {
      entry: 'wg.go(task, ...args)',
      input: `a module task whose export is not a function (driver: '${driver}')`,
      expected: {
        surface: 'slot',
        name: 'SpawnError',
        kind: 'threw',
        message: /export "notAFunction" .* is not a function/,
      },
      driver,
      run: (ctx) => {
        const wg = ctx.groupOn(driver, { concurrency: 1 });
        wg.go(defineTask(FIXTURES.tasks, 'notAFunction', () => 0));
        return wg.wait();
      },
    },
  ];
}

/** Unknown driverOptions, under each driver. */
export const DRIVER_OPTIONS_CASES: readonly BadInputCase[] = DRIVERS.map(
  (driver): BadInputCase => ({
    entry: 'options.driverOptions',
    input: `{ driver: '${driver}', driverOptions: { bogus: 1 } }`,
    expected: throwsType(/unknown .*option.*bogus/),
    driver,
    run: (ctx) => ctx.groupOn(driver, { driverOptions: { bogus: 1 } }),
  }),
);

/** Bootstrap and module-export failures, under each driver. */
export const DRIVER_BOOTSTRAP_CASES: readonly BadInputCase[] = DRIVERS.flatMap(bootstrapCases);
