/**
 * Bad-input cases of issue 13's least-privilege and capture rules: an `env` or `permissions` value a
 * driver cannot honour, and inline tasks that reach past their own scope (the global object, code
 * built from strings, a relative `import()`) — rejected at `go()` under every driver alike.
 */
import type { DriverName } from '@isolane/core';
import { type BadInputCase, ctorCase, goCase, throwsType } from './case-kit.js';

/** A task built from source text, so no build step or test transform changes what the checker sees. */
function sourceTask(source: string): (...args: unknown[]) => unknown {
  return new Function(`return (${source});`)() as (...args: unknown[]) => unknown;
}

const captureCase = (source: string, message: RegExp): BadInputCase =>
  goCase(`an inline task \`${source}\``, (wg) => wg.go(sourceTask(source)), {
    surface: 'throws',
    name: 'CaptureError',
    message,
  });

/** Driver constructors and driverOptions given an env or permissions they cannot honour; capture rules. */
export const SECURITY_CASES: readonly BadInputCase[] = [
  ctorCase(
    'fork',
    'ForkDriver',
    "{ env: 'none' }",
    { env: 'none' },
    throwsType(
      /options\.env must be 'inherit', an array of variable names \(an allow-list\) or an object of string values, got "none"/,
    ),
  ),
  ctorCase(
    'fork',
    'ForkDriver',
    "{ env: ['API_KEY=x'] }",
    { env: ['API_KEY=x'] },
    throwsType(/options\.env\[0\] must be a non-empty environment variable name without "=" or NUL/),
  ),
  ctorCase(
    'thread',
    'ThreadDriver',
    '{ env: { PORT: 8080 } }',
    { env: { PORT: 8080 } },
    throwsType(/thread driver option "env"\.PORT must be a string, got 8080/),
  ),
  ctorCase(
    'pool',
    'PoolDriver',
    '{ env: null }',
    { env: null },
    throwsType(/options\.env must be 'inherit', an array of variable names .* got null/),
  ),
  ...(['pool', 'thread', 'fork'] as const).map(
    (driver: DriverName): BadInputCase => ({
      entry: 'options.driverOptions',
      input: `{ driver: '${driver}', driverOptions: { env: 42 } }`,
      expected: throwsType(/env"? must be 'inherit', an array of variable names .* got 42/),
      driver,
      run: (ctx) => ctx.groupOn(driver, { driverOptions: { env: 42 } }),
    }),
  ),
  ctorCase(
    'fork',
    'ForkDriver',
    "{ permissions: 'strict' }",
    { permissions: 'strict' },
    throwsType(
      /options\.permissions must be true, false or an object \{ fsRead, fsWrite, childProcess, worker, addons, net \}/,
    ),
  ),
  ctorCase(
    'fork',
    'ForkDriver',
    "{ permissions: { fsRead: ['data/'] } }",
    { permissions: { fsRead: ['data/'] } },
    throwsType(
      /options\.permissions\.fsRead\[0\] must be an absolute path \(or file: URL\) without a comma, got "data\/"/,
    ),
  ),
  ctorCase(
    'fork',
    'ForkDriver',
    '{ permissions: { fsWrite: true } }',
    { permissions: { fsWrite: true } },
    throwsType(/options\.permissions\.fsWrite must be an array of absolute paths or '\*', got boolean true/),
  ),
  ctorCase(
    'fork',
    'ForkDriver',
    '{ permissions: { network: true } }',
    { permissions: { network: true } },
    throwsType(
      /unknown option options\.permissions\.network \(known: fsRead, fsWrite, childProcess, worker, addons, net\)/,
    ),
  ),
  ctorCase(
    'pool',
    'PoolDriver',
    '{ permissions: true }',
    { permissions: true },
    throwsType(
      /options\.permissions needs options\.runtime 'process': Node's permission model applies to a whole process, a worker thread cannot be restricted/,
    ),
  ),
  ctorCase(
    'pool',
    'PoolDriver',
    "{ runtime: 'process', permissions: { fsRead: '/data' } }",
    { runtime: 'process', permissions: { fsRead: '/data' } },
    throwsType(/options\.permissions\.fsRead must be an array of absolute paths or '\*', got "\/data"/),
  ),
  {
    entry: 'options.driverOptions',
    input: "{ driver: 'pool', driverOptions: { permissions: { worker: true } } }",
    expected: throwsType(/options\.permissions needs options\.runtime 'process'/),
    driver: 'pool',
    run: (ctx) => ctx.groupOn('pool', { driverOptions: { permissions: { worker: true } } }),
  },
  captureCase('() => globalThis.API_KEY', /`globalThis\.API_KEY`.*globals: \['API_KEY'\]/s),
  captureCase(
    '(k) => Reflect.get(globalThis, k)',
    /the global object is used in a way that cannot be checked/,
  ),
  captureCase("() => eval('API_KEY')", /`eval` \(direct or indirect/),
  captureCase("() => new Function('return API_KEY')()", /the Function constructor/),
  captureCase(
    "() => (async () => {}).constructor('return 1')",
    /AsyncFunction\/GeneratorFunction constructors/,
  ),
  captureCase(
    "async () => import('./helpers.js')",
    /a relative specifier in an inline task resolves against the module that rebuilds the task/,
  ),
  captureCase('() => window.location', /`window` is the browser's name for the global object/),
];
