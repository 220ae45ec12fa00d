/**
 * The bad-input catalogue: every public entry point fed wrong types, out-of-range numbers, unknown
 * driver names, malformed config files, non-portable arguments, unresolvable tasks and broken
 * bootstraps. Each case states the documented error; the test runs the list and `bad-input-table`
 * prints the same list as docs/bad-input.md, so the doc cannot drift from what the code does.
 */
import type { DriverName, Result } from '@isolane/core';
import {
  DRIVER_ENV,
  defer,
  defineTask,
  map,
  onDeferredError,
  run,
  settle,
  transfer,
  WaitGroup,
} from '@isolane/core';
import { ABORT_REASON_CASES } from './abort-reason-cases.js';
import { BOOTSTRAP_TIMEOUT_CASES } from './bootstrap-timeout-cases.js';
import {
  type BadInputCase,
  captureSync,
  configCase,
  ctorCase,
  goCase,
  type Loose,
  tasks,
  throwsRange,
  throwsType,
  wgCase,
} from './case-kit.js';
import { FIXTURES } from './context.js';
import { CONFIG_SOURCE_CASES, DRIVER_LIMIT_CASES, WAIT_GROUP_LIMIT_CASES } from './limit-cases.js';
import { MAX_RESULT_CASES } from './max-result-cases.js';
import { PORT_CASES } from './port-cases.js';
import { SECURITY_CASES } from './security-cases.js';

export {
  type BadInputCase,
  captureSync,
  type Expected,
  type Surface,
} from './case-kit.js';

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

class Opaque {
  secret = 1;
}

/**
 * Every case, in the order of the doc's table.
 *
 * @example
 * ```ts
 * for (const c of BAD_INPUT_CASES) console.log(c.entry, c.input, c.expected.name);
 * ```
 */
export const BAD_INPUT_CASES: readonly BadInputCase[] = [
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
  ...WAIT_GROUP_LIMIT_CASES,
  {
    ...configCase(
      'isolane.config.json',
      '{ "driver": "cooperative", }',
      throwsType(/isolane\.config\.json: not valid JSON/),
    ),
    platformTail: true,
  },
  configCase(
    'isolane.config.json',
    '["cooperative"]',
    throwsType(/isolane\.config\.json: the config must be an object/),
  ),
  configCase(
    'isolane.config.json',
    '{ "driver": "thred" }',
    throwsType(/isolane\.config\.json: "driver" must be one of/),
  ),
  configCase(
    'isolane.config.json',
    '{ "concurrency": 0 }',
    throwsRange(/isolane\.config\.json: "concurrency" must be an integer from 1 to 4096/),
  ),
  configCase(
    'isolane.config.json',
    '{ "timeout": "fast" }',
    throwsType(/isolane\.config\.json: "timeout" must be a number of ms/),
  ),
  configCase(
    'isolane.config.json',
    '{ "drivr": "pool" }',
    throwsType(/isolane\.config\.json: unknown field "drivr"/),
  ),
  configCase(
    'isolane.config.json',
    '{ "drivers": { "thred": {} } }',
    throwsType(/isolane\.config\.json: "drivers\.thred" must be one of/),
  ),
  configCase(
    'isolane.config.json',
    '{ "drivers": { "pool": 5 } }',
    throwsType(/isolane\.config\.json: "drivers\.pool" must be an object of driver options/),
  ),
  configCase(
    'isolane.config.json',
    '{ "bootstrap": 5 }',
    throwsType(/isolane\.config\.json: "bootstrap" must be a path or URL string/),
  ),
  configCase(
    'isolane.config.json',
    '{ "driver": "pool", "drivers": { "pool": { "turbo": true } } }',
    throwsType(/unknown option "turbo" for the pool driver/),
  ),
  configCase('isolane.config.mjs', 'throw new Error("config exploded");', {
    surface: 'rejects',
    name: 'TypeError',
    message: /isolane\.config\.mjs: could not be loaded: config exploded/,
  }),
  configCase('isolane.config.mjs', 'export default 42;', {
    surface: 'rejects',
    name: 'TypeError',
    message: /isolane\.config\.mjs: the config must be an object/,
  }),
  ...CONFIG_SOURCE_CASES,
  goCase('wg.go(42)', (wg) => wg.go(42 as Loose), {
    surface: 'throws',
    name: 'SpawnError',
    message: /the task must be a function or a module task, got number/,
  }),
  goCase('wg.go(null)', (wg) => wg.go(null as Loose), {
    surface: 'throws',
    name: 'SpawnError',
    message: /the task must be a function or a module task, got null/,
  }),
  goCase('wg.go(Math.max, 1, 2) (native function)', (wg) => wg.go(Math.max, 1, 2), {
    surface: 'throws',
    name: 'SpawnError',
    message: /native/,
  }),
  goCase('wg.go(fn.bind(null))', (wg) => wg.go(((a: number) => a).bind(null), 1), {
    surface: 'throws',
    name: 'SpawnError',
    message: /bound/,
  }),
  goCase('wg.go(class {})', (wg) => wg.go(class Foo {} as Loose), {
    surface: 'throws',
    name: 'SpawnError',
    message: /class/,
  }),
  goCase(
    'an inline function that captures a variable',
    (wg) => {
      const factor = 3;
      return wg.go((n: number) => n * factor, 1);
    },
    { surface: 'throws', name: 'CaptureError', message: /factor/ },
  ),
  goCase('a function argument', (wg) => wg.go(tasks.double, (() => 1) as Loose), {
    surface: 'throws',
    name: 'CaptureError',
    message: /args\[0\]: functions cannot cross an isolation boundary/,
  }),
  goCase('a Symbol argument', (wg) => wg.go(tasks.double, Symbol('x') as Loose), {
    surface: 'throws',
    name: 'CaptureError',
    message: /args\[0\]: symbols cannot be cloned/,
  }),
  goCase('a WeakMap argument', (wg) => wg.go(tasks.double, new WeakMap() as Loose), {
    surface: 'throws',
    name: 'CaptureError',
    message: /weak collections cannot be cloned/,
  }),
  goCase('a class instance argument', (wg) => wg.go(tasks.double, new Opaque() as Loose), {
    surface: 'throws',
    name: 'CaptureError',
    message: /class instance of Opaque/,
  }),
  goCase('a Promise argument', (wg) => wg.go(tasks.double, Promise.resolve(1) as Loose), {
    surface: 'throws',
    name: 'CaptureError',
    message: /a Promise cannot be cloned/,
  }),
  goCase(
    'an object with a function deep inside',
    (wg) => wg.go(tasks.double, { a: [{ b: () => 1 }] } as Loose),
    { surface: 'throws', name: 'CaptureError', message: /args\[0\]\.a\[0\]\.b/ },
  ),
  goCase(
    'a module task whose file does not exist',
    (wg) => wg.go(defineTask(FIXTURES.missingModule, 'x', () => 0)),
    { surface: 'throws', name: 'SpawnError', message: /task module not found: .*no-such-module\.js/ },
  ),
  {
    ...goCase('transfer(42) as an argument', (wg) => wg.go(tasks.double, transfer(42 as Loose)), {
      surface: 'throws',
      name: 'TypeError',
      message: /an argument cannot be cloned/,
    }),
    platformTail: true,
  },
  {
    entry: 'wg.go(task, ...args)',
    input: 'go() after close()',
    expected: { surface: 'throws', name: 'Error', message: /the group is closed/ },
    run: async (ctx) => {
      const wg = ctx.group();
      await wg.close();
      ctx.lastGroup = undefined;
      return { thrownSync: captureSync(() => wg.go(tasks.double, 1)) };
    },
  },
  {
    entry: 'run(tasks, options)',
    input: 'run([42])',
    expected: {
      surface: 'rejects',
      name: 'TypeError',
      message: /each task entry must be a function or \[task, \.\.\.args\]/,
    },
    run: (ctx) => run([42 as Loose], { driver: 'cooperative', cwd: ctx.cleanDir }),
  },
  {
    entry: 'run(tasks, options)',
    input: 'run("abc")',
    expected: { surface: 'rejects', name: 'TypeError', message: /run\(\): "tasks" must be an array/ },
    run: (ctx) => run('abc' as Loose, { driver: 'cooperative', cwd: ctx.cleanDir }),
  },
  {
    entry: 'run(tasks, options)',
    input: 'run([[double, 1]], { concurrency: 0 })',
    expected: {
      surface: 'rejects',
      name: 'RangeError',
      message: /options\.concurrency must be an integer from 1 to 4096/,
    },
    run: (ctx) => run([[tasks.double, 1]], { driver: 'cooperative', cwd: ctx.cleanDir, concurrency: 0 }),
  },
  {
    entry: 'settle(tasks, options)',
    input: 'settle([null])',
    expected: { surface: 'rejects', name: 'TypeError', message: /each task entry must be a function/ },
    run: (ctx) => settle([null as Loose], { driver: 'cooperative', cwd: ctx.cleanDir }),
  },
  {
    entry: 'settle(tasks, options)',
    input: 'settle(42)',
    expected: { surface: 'rejects', name: 'TypeError', message: /settle\(\): "tasks" must be an array/ },
    run: (ctx) => settle(42 as Loose, { driver: 'cooperative', cwd: ctx.cleanDir }),
  },
  {
    entry: 'map(items, task, options)',
    input: 'map(42, double)',
    expected: { surface: 'rejects', name: 'TypeError', message: /map\(\): "items" must be iterable/ },
    run: (ctx) => map(42 as Loose, tasks.double, { driver: 'cooperative', cwd: ctx.cleanDir }),
  },
  {
    entry: 'map(items, task, options)',
    input: 'map([1], "double")',
    expected: {
      surface: 'rejects',
      name: 'SpawnError',
      message: /the task must be a function or a module task, got string/,
    },
    run: (ctx) => map([1], 'double' as Loose, { driver: 'cooperative', cwd: ctx.cleanDir }),
  },
  {
    entry: 'map(items, task, options)',
    input: 'map([() => 1], double) (items not portable)',
    expected: { surface: 'rejects', name: 'CaptureError', message: /args\[0\]: functions cannot cross/ },
    run: (ctx) => map([() => 1], tasks.double as Loose, { driver: 'cooperative', cwd: ctx.cleanDir }),
  },
  {
    entry: 'defer(task, ...args)',
    input: 'defer(42)',
    expected: {
      surface: 'throws',
      name: 'SpawnError',
      message: /the task must be a function or a module task, got number/,
    },
    run: () => {
      const saved = process.env[DRIVER_ENV];
      process.env[DRIVER_ENV] = 'cooperative';
      try {
        return { thrownSync: captureSync(() => defer(42 as Loose)) };
      } finally {
        if (saved === undefined) delete process.env[DRIVER_ENV];
        else process.env[DRIVER_ENV] = saved;
      }
    },
  },
  {
    entry: 'onDeferredError(handler)',
    input: 'onDeferredError("log")',
    expected: throwsType(/onDeferredError\(handler\): handler must be a function/),
    run: () => onDeferredError('log' as Loose),
  },
  {
    entry: 'defineTask(moduleUrl, exportName, fn)',
    input: 'fn = 42',
    expected: throwsType(/defineTask: "fn" must be a function, got number/),
    run: () => defineTask(FIXTURES.tasks, 'x', 42 as Loose),
  },
  {
    entry: 'defineTask(moduleUrl, exportName, fn)',
    input: 'exportName = "1st"',
    expected: throwsType(/defineTask: "exportName" must be the name of the export/),
    run: () => defineTask(FIXTURES.tasks, '1st', () => 0),
  },
  {
    entry: 'defineTask(moduleUrl, exportName, fn)',
    input: 'moduleUrl = "./tasks.js" (relative)',
    expected: throwsType(
      /defineTask: "moduleUrl" must be the module's URL \(pass import\.meta\.url\), got "\.\/tasks\.js"/,
    ),
    run: () => defineTask('./tasks.js', 'x', () => 0),
  },
  {
    entry: 'defineTask(moduleUrl, exportName, fn)',
    input: 'moduleUrl = 42',
    expected: throwsType(
      /defineTask: "moduleUrl" must be the module's URL \(pass import\.meta\.url\), got number/,
    ),
    run: () => defineTask(42 as Loose, 'x', () => 0),
  },
  {
    entry: 'defineTask(moduleUrl, exportName, fn)',
    input: 'fn already declared as another task',
    expected: throwsType(/defineTask: this function is already the task "first" of .*declare a wrapper/),
    run: () => {
      const fn = () => 0;
      defineTask(FIXTURES.tasks, 'first', fn);
      return defineTask(FIXTURES.tasks, 'second', fn);
    },
  },
  ctorCase(
    'cooperative',
    'CooperativeDriver',
    '{ concurrency: 0 }',
    { concurrency: 0 },
    throwsRange(/"concurrency" must be an integer from 1 to 4096/),
  ),
  ctorCase(
    'pool',
    'PoolDriver',
    '{ concurrency: 0 }',
    { concurrency: 0 },
    throwsRange(/options\.concurrency/),
  ),
  ctorCase(
    'pool',
    'PoolDriver',
    '{ maxTasksPerWorker: 0 }',
    { maxTasksPerWorker: 0 },
    throwsRange(/options\.maxTasksPerWorker/),
  ),
  ctorCase(
    'pool',
    'PoolDriver',
    '{ idleTimeout: -1 }',
    { idleTimeout: -1 },
    throwsRange(/options\.idleTimeout/),
  ),
  ctorCase(
    'pool',
    'PoolDriver',
    '{ recycle: true } (unknown)',
    { recycle: true },
    throwsType(/unknown pool driver option "recycle"/),
  ),
  ctorCase(
    'thread',
    'ThreadDriver',
    '{ prespawn: -1 }',
    { prespawn: -1 },
    throwsRange(/"prespawn" must be an integer from 0 to 64/),
  ),
  ctorCase(
    'thread',
    'ThreadDriver',
    '{ lingerMs: "1s" }',
    { lingerMs: '1s' },
    throwsType(/"lingerMs" must be a number of ms/),
  ),
  ctorCase(
    'thread',
    'ThreadDriver',
    '{ memoryLimitMb: 0 }',
    { memoryLimitMb: 0 },
    throwsRange(/"memoryLimitMb" must be an integer from 8 to 1048576 MiB/),
  ),
  ctorCase(
    'thread',
    'ThreadDriver',
    '{ pool: true } (unknown)',
    { pool: true },
    throwsType(/unknown thread driver option "pool"/),
  ),
  ctorCase(
    'fork',
    'ForkDriver',
    '{ stdio: "loud" }',
    { stdio: 'loud' },
    throwsType(/options\.stdio must be 'inherit', 'capture' or 'ignore'/),
  ),
  ctorCase(
    'fork',
    'ForkDriver',
    '{ killGraceMs: -5 }',
    { killGraceMs: -5 },
    throwsRange(/options\.killGraceMs must be an integer from 0 to 2147483647 ms/),
  ),
  ctorCase(
    'fork',
    'ForkDriver',
    '{ prespawn: 1.5 }',
    { prespawn: 1.5 },
    throwsRange(/options\.prespawn must be an integer from 0 to 64/),
  ),
  ctorCase(
    'fork',
    'ForkDriver',
    '{ stdio: "capture" } without onOutput',
    { stdio: 'capture' },
    throwsType(/options\.stdio 'capture' needs options\.onOutput/),
  ),
  ...DRIVER_LIMIT_CASES,
  ...SECURITY_CASES,
  ...(['cooperative', 'pool', 'thread', 'fork'] as const).map(
    (driver): BadInputCase => ({
      entry: 'options.driverOptions',
      input: `{ driver: '${driver}', driverOptions: { bogus: 1 } }`,
      expected: throwsType(/unknown .*option.*bogus/),
      driver,
      run: (ctx) => ctx.groupOn(driver, { driverOptions: { bogus: 1 } }),
    }),
  ),
  ...(['cooperative', 'pool', 'thread', 'fork'] as const).flatMap(bootstrapCases),
  ...BOOTSTRAP_TIMEOUT_CASES,
  ...ABORT_REASON_CASES,
  ...PORT_CASES,
  ...MAX_RESULT_CASES,
];

/** A case's results, when its error surfaces in a slot. */
export type SlotResults = Result<unknown>[];
