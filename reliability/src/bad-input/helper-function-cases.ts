/**
 * Bad-input cases for the helper functions: run(), settle(), map(), defer(), onDeferredError() and
 * defineTask().
 */
import { DRIVER_ENV, defer, defineTask, map, onDeferredError, run, settle } from '@isolane/core';
import { type BadInputCase, captureSync, type Loose, tasks, throwsType } from './case-kit.js';
import { FIXTURES } from './context.js';

/** Helper functions, in the order of the doc's table. */
export const HELPER_FUNCTION_CASES: readonly BadInputCase[] = [
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
];
