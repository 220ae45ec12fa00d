/**
 * The bad-input rows of `bootstrapTimeout`: wrong types and out-of-range values where it is given (the
 * WaitGroup options, a config file), and a bootstrap that never finishes, which fails its slots with
 * kind `bootstrap` once the deadline has passed, under every local driver.
 */
import { type BadInputCase, configCase, tasks, throwsRange, throwsType, wgCase } from './case-kit.js';

/** The bootstrap that never finishes, for the `bootstrapTimeout` rows. */
const bootHangs = new URL('./fixtures/boot-hangs.js', import.meta.url).href;

/**
 * `bootstrapTimeout`: bad values where it is given, and a bootstrap that outlives it under each driver.
 *
 * @example
 * ```ts
 * for (const c of BOOTSTRAP_TIMEOUT_CASES) console.log(c.entry, c.input);
 * ```
 */
export const BOOTSTRAP_TIMEOUT_CASES: BadInputCase[] = [
  wgCase(
    '{ bootstrapTimeout: "30s" }',
    { bootstrapTimeout: '30s' },
    throwsType(/options\.bootstrapTimeout must be a number of ms, got "30s"/),
  ),
  wgCase(
    '{ bootstrapTimeout: -1 }',
    { bootstrapTimeout: -1 },
    throwsRange(
      /options\.bootstrapTimeout must be an integer from 1 to 2147483647 ms \(or Infinity\), got -1/,
    ),
  ),
  wgCase(
    '{ bootstrapTimeout: 0 }',
    { bootstrapTimeout: 0 },
    throwsRange(
      /options\.bootstrapTimeout must be an integer from 1 to 2147483647 ms \(or Infinity\), got 0/,
    ),
  ),
  wgCase(
    '{ bootstrapTimeout: NaN }',
    { bootstrapTimeout: Number.NaN },
    throwsRange(
      /options\.bootstrapTimeout must be an integer from 1 to 2147483647 ms \(or Infinity\), got NaN/,
    ),
  ),
  wgCase(
    '{ bootstrapTimeout: 2 ** 31 }',
    { bootstrapTimeout: 2 ** 31 },
    throwsRange(/options\.bootstrapTimeout must be an integer from 1 to 2147483647 ms/),
  ),
  configCase(
    'isolane.config.json',
    '{ "bootstrapTimeout": -1 }',
    throwsRange(/isolane\.config\.json: "bootstrapTimeout" must be an integer from 1 to 2147483647 ms/),
  ),
  configCase(
    'isolane.config.json',
    '{ "bootstrapTimeout": "30s" }',
    throwsType(/isolane\.config\.json: "bootstrapTimeout" must be a number of ms/),
  ),
  ...(['cooperative', 'pool', 'thread', 'fork'] as const).map(
    (driver): BadInputCase => ({
      entry: 'options.bootstrapTimeout',
      input: `a bootstrap that never finishes, bootstrapTimeout: 500 (driver: '${driver}')`,
      expected: {
        surface: 'slot',
        name: 'BootstrapTimeoutError',
        kind: 'bootstrap',
        message: /bootstrap .*boot-hangs\.js did not finish within its 500 ms bootstrapTimeout/,
      },
      driver,
      run: (ctx) => {
        const wg = ctx.groupOn(driver, { bootstrap: bootHangs, bootstrapTimeout: 500, concurrency: 1 });
        wg.go(tasks.double, 1);
        return wg.wait();
      },
    }),
  ),
];
