/**
 * The bad-input rows of `maxResultMb` (wrong types and out-of-range values where it is given: the
 * WaitGroup options, a config file, a driver's constructor; a result over the limit, which fails its
 * slot as `unserializable` under every out-of-process driver) and of the process drivers' `maxRssMb`.
 */
import { type BadInputCase, configCase, ctorCase, throwsRange, throwsType, wgCase } from './case-kit.js';

/**
 * `maxResultMb`: bad values where it is given, and a 3 MiB result under a 1 MiB limit per driver.
 *
 * @example
 * ```ts
 * for (const c of MAX_RESULT_CASES) console.log(c.entry, c.input);
 * ```
 */
export const MAX_RESULT_CASES: BadInputCase[] = [
  wgCase(
    '{ maxResultMb: "64" }',
    { maxResultMb: '64' },
    throwsType(/options\.maxResultMb must be a number of MiB, got "64"/),
  ),
  wgCase(
    '{ maxResultMb: 0 }',
    { maxResultMb: 0 },
    throwsRange(/options\.maxResultMb must be a number of MiB from 1 to 1048576, got 0/),
  ),
  wgCase(
    '{ maxResultMb: NaN }',
    { maxResultMb: Number.NaN },
    throwsRange(/options\.maxResultMb must be a number of MiB from 1 to 1048576, got NaN/),
  ),
  wgCase(
    '{ maxResultMb: Infinity }',
    { maxResultMb: Number.POSITIVE_INFINITY },
    throwsRange(/options\.maxResultMb must be a number of MiB from 1 to 1048576, got Infinity/),
  ),
  configCase(
    'isolane.config.json',
    '{ "maxResultMb": 0 }',
    throwsRange(/isolane\.config\.json: "maxResultMb" must be a number of MiB from 1 to 1048576, got 0/),
  ),
  configCase(
    'isolane.config.json',
    '{ "maxResultMb": "1MB" }',
    throwsType(/isolane\.config\.json: "maxResultMb" must be a number of MiB, got "1MB"/),
  ),
  ctorCase(
    'thread',
    'ThreadDriver',
    '{ maxResultMb: -1 }',
    { maxResultMb: -1 },
    throwsRange(/"maxResultMb" must be a number of MiB from 1 to 1048576, got -1/),
  ),
  ctorCase(
    'fork',
    'ForkDriver',
    '{ maxResultMb: -1 }',
    { maxResultMb: -1 },
    throwsRange(/options\.maxResultMb must be a number of MiB from 1 to 1048576, got -1/),
  ),
  ctorCase(
    'fork',
    'ForkDriver',
    '{ maxRssMb: 0 }',
    { maxRssMb: 0 },
    throwsRange(/options\.maxRssMb must be a number of MiB from 1 to 1048576, got 0/),
  ),
  ctorCase(
    'pool',
    'PoolDriver',
    '{ maxRssMb: 256 } (runtime thread)',
    { maxRssMb: 256 },
    throwsType(/options\.maxRssMb needs options\.runtime 'process'/),
  ),
  ctorCase(
    'pool',
    'PoolDriver',
    "{ runtime: 'process', maxRssMb: '256' }",
    { runtime: 'process', maxRssMb: '256' },
    throwsType(/options\.maxRssMb must be a number of MiB, got "256"/),
  ),
  ctorCase(
    'pool',
    'PoolDriver',
    "{ runtime: 'process', memoryLimitMb: 64, execArgv: ['--max-old-space-size=2048'] }",
    { runtime: 'process', memoryLimitMb: 64, execArgv: ['--max-old-space-size=2048'] },
    throwsType(/options\.execArgv sets --max-old-space-size=2048 while options\.memoryLimitMb is 64/),
  ),
  ...(['pool', 'thread', 'fork'] as const).map(
    (driver): BadInputCase => ({
      entry: 'options.maxResultMb',
      input: `a 3 MiB result, maxResultMb: 1 (driver: '${driver}')`,
      expected: {
        surface: 'slot',
        name: 'ResultTooLargeError',
        kind: 'unserializable',
        message: /the task's result cannot be sent back: it is 3\.0 MiB serialized, over maxResultMb \(1\)/,
      },
      driver,
      run: (ctx) => {
        const wg = ctx.groupOn(driver, { maxResultMb: 1, concurrency: 1 });
        wg.go((mb: number) => 'x'.repeat(mb * 1024 * 1024), 3);
        return wg.wait();
      },
    }),
  ),
];
