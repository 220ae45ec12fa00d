/**
 * Bad-input cases for options that would otherwise lie (a timer of 2^31 ms that Node turns into 1 ms, a
 * memory limit V8 ignores, an unbounded prespawn) and for config sources isolane refuses to read (issue
 * 13): a missing named config, a bootstrap outside the project, a directory under a config's name, a
 * world-writable folder.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { WaitGroup } from '@isolane/core';
import {
  type BadInputCase,
  configCase,
  ctorCase,
  tasks,
  throwsRange,
  throwsType,
  warningFrom,
  wgCase,
} from './case-kit.js';

const CONFIG_ENV = 'ISOLANE_CONFIG';

/** `new WaitGroup(options)` and `ISOLANE_CONFIG`. */
export const WAIT_GROUP_LIMIT_CASES: readonly BadInputCase[] = [
  wgCase(
    '{ memoryLimitMb: 1e300 }',
    { memoryLimitMb: 1e300 },
    throwsRange(/options\.memoryLimitMb must be an integer from 8 to 1048576 MiB, got 1e\+300/),
  ),
  // A fraction: `--max-old-space-size` refuses it, so no driver could honour it (issue 10: one rule).
  wgCase(
    '{ memoryLimitMb: 100.5 }',
    { memoryLimitMb: 100.5 },
    throwsRange(/options\.memoryLimitMb must be an integer from 8 to 1048576 MiB, got 100\.5/),
  ),
  wgCase(
    '{ config: true }',
    { config: true },
    throwsType(/options\.config must be false \(no config file\) or the path or file: URL of a config file/),
  ),
  wgCase(
    '{ config: "missing.json" }',
    { config: 'missing.json' },
    throwsType(/options\.config names the config file .*missing\.json, which does not exist/),
  ),
  {
    entry: `${CONFIG_ENV} environment variable`,
    input: `${CONFIG_ENV}=/no/such/isolane.config.json`,
    expected: throwsType(
      /environment variable ISOLANE_CONFIG names the config file \/no\/such\/isolane\.config\.json, which does not exist/,
    ),
    run: (ctx) => {
      const saved = process.env[CONFIG_ENV];
      process.env[CONFIG_ENV] = '/no/such/isolane.config.json';
      try {
        return new WaitGroup({ cwd: ctx.cleanDir, driver: 'cooperative' });
      } finally {
        if (saved === undefined) delete process.env[CONFIG_ENV];
        else process.env[CONFIG_ENV] = saved;
      }
    },
  },
];

/** Config files: out-of-range fields, a bootstrap outside the project, files that are not read. */
export const CONFIG_SOURCE_CASES: readonly BadInputCase[] = [
  configCase(
    'isolane.config.json',
    '{ "timeout": 2147483648 }',
    throwsRange(/isolane\.config\.json: "timeout" must be a number of ms from 0 to 2147483647/),
  ),
  configCase(
    'isolane.config.json',
    '{ "memoryLimitMb": 1e300 }',
    throwsRange(/isolane\.config\.json: "memoryLimitMb" must be an integer from 8 to 1048576 MiB/),
  ),
  configCase(
    'isolane.config.json',
    '{ "driver": "thread", "drivers": { "thread": { "prespawn": 100 } } }',
    throwsRange(/"prespawn" must be an integer from 0 to 64, got 100/),
  ),
  configCase(
    'isolane.config.json',
    '{ "bootstrap": "../planted.mjs" }',
    throwsType(
      /isolane\.config\.json: "bootstrap" "\.\.\/planted\.mjs" resolves to .*, outside the project root .*; name a module outside the project by absolute path or file: URL/,
    ),
  ),
  {
    entry: 'config file isolane.config.json',
    input: 'a directory named isolane.config.json',
    expected: {
      surface: 'warns',
      name: 'IsolaneWarning',
      message: /\[ISOLANE_CONFIG_NOT_FILE\] .*isolane\.config\.json was not read: it is a directory/,
    },
    run: (ctx) => {
      const cwd = ctx.configDir('package.json', '{}');
      mkdirSync(join(cwd, 'isolane.config.json'));
      return warningFrom(() => {
        const wg = new WaitGroup({ cwd });
        wg.go(tasks.double, 1);
        return wg.wait();
      });
    },
  },
  {
    entry: 'config file isolane.config.json',
    input: '{ "driver": "fork", "timeout": 1 } in a world-writable folder (mode 1777, like /tmp)',
    expected: {
      surface: 'warns',
      name: 'IsolaneWarning',
      message:
        /\[ISOLANE_CONFIG_UNSAFE\] .*isolane\.config\.json was not read: its directory .* is writable by every user/,
    },
    run: (ctx) => {
      const cwd = ctx.configDir('isolane.config.json', '{ "driver": "fork", "timeout": 1 }');
      chmodSync(cwd, 0o1777);
      return warningFrom(() => {
        const wg = new WaitGroup({ cwd });
        wg.go(tasks.double, 1);
        return wg.wait();
      });
    },
  },
];

/** Driver constructors: every numeric option against the range the model can honour. */
export const DRIVER_LIMIT_CASES: readonly BadInputCase[] = [
  ctorCase(
    'pool',
    'PoolDriver',
    '{ idleTimeout: 2 ** 31 }',
    { idleTimeout: 2 ** 31 },
    throwsRange(/options\.idleTimeout must be a number of ms from 1 to 2147483647 \(or Infinity\)/),
  ),
  ctorCase(
    'pool',
    'PoolDriver',
    '{ memoryLimitMb: 1e300 }',
    { memoryLimitMb: 1e300 },
    throwsRange(/options\.memoryLimitMb must be an integer from 8 to 1048576 MiB/),
  ),
  ctorCase(
    'pool',
    'PoolDriver',
    '{ maxHeapMb: 1e300 }',
    { maxHeapMb: 1e300 },
    throwsRange(/options\.maxHeapMb must be a number of MiB from 1 to 1048576/),
  ),
  ctorCase(
    'pool',
    'PoolDriver',
    '{ concurrency: 5000 }',
    { concurrency: 5000 },
    throwsRange(/options\.concurrency must be an integer from 1 to 4096/),
  ),
  ctorCase(
    'thread',
    'ThreadDriver',
    '{ lingerMs: 2 ** 31 }',
    { lingerMs: 2 ** 31 },
    throwsRange(/"lingerMs" must be a number of ms from 0 to 2147483647/),
  ),
  ctorCase(
    'thread',
    'ThreadDriver',
    '{ prespawn: 100 }',
    { prespawn: 100 },
    throwsRange(/"prespawn" must be an integer from 0 to 64/),
  ),
  ctorCase(
    'thread',
    'ThreadDriver',
    '{ memoryLimitMb: 1e300 }',
    { memoryLimitMb: 1e300 },
    throwsRange(/"memoryLimitMb" must be an integer from 8 to 1048576 MiB/),
  ),
  ctorCase(
    'fork',
    'ForkDriver',
    '{ killGraceMs: 2 ** 31 }',
    { killGraceMs: 2 ** 31 },
    throwsRange(/options\.killGraceMs must be an integer from 0 to 2147483647 ms/),
  ),
  ctorCase(
    'fork',
    'ForkDriver',
    '{ lingerMs: 2 ** 31 }',
    { lingerMs: 2 ** 31 },
    throwsRange(/options\.lingerMs must be an integer from 0 to 2147483647 ms/),
  ),
  ctorCase(
    'fork',
    'ForkDriver',
    '{ memoryLimitMb: 1e300 }',
    { memoryLimitMb: 1e300 },
    throwsRange(/options\.memoryLimitMb must be an integer from 8 to 1048576 MiB/),
  ),
  ctorCase(
    'fork',
    'ForkDriver',
    '{ prespawn: 100 }',
    { prespawn: 100 },
    throwsRange(/options\.prespawn must be an integer from 0 to 64/),
  ),
];
