/**
 * Bad-input cases for `wg.go(task, ...args)`: tasks that are not runnable, captured variables,
 * non-portable arguments, a missing task module, go() after close().
 */
import { defineTask, transfer } from '@isolane/core';
import { type BadInputCase, captureSync, goCase, type Loose, tasks } from './case-kit.js';
import { FIXTURES } from './context.js';

class Opaque {
  secret = 1;
}

/** go() calls, in the order of the doc's table. */
export const GO_CASES: readonly BadInputCase[] = [
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
];
