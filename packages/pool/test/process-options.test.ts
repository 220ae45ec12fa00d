/** The runtime option and the worker-process options: defaults, and an error naming each bad value. */
import { tmpdir } from 'node:os';
import type { DriverSettings } from '@isolane/core';
import { PoolDriver } from '@isolane/pool';
import { describe, expect, it } from 'vitest';
import { poolOptionsFromSettings } from '../src/options.js';
import { resolveProcessOptions } from '../src/process-options.js';

describe('pool options: runtime and worker processes', () => {
  it('defaults to worker threads; the process options have their defaults', () => {
    expect(resolveProcessOptions({})).toEqual({
      runtime: 'thread',
      cwd: undefined,
      execArgv: [],
      stdio: 'inherit',
      onOutput: undefined,
      watchdog: true,
    });
    const onOutput = () => {};
    expect(resolveProcessOptions({ runtime: 'process', onOutput })).toMatchObject({
      stdio: 'capture',
      onOutput,
    });
    expect(resolveProcessOptions({ runtime: 'process', cwd: tmpdir() }).cwd).toBe(tmpdir());
  });

  it('accepts runtime and the process options from a group’s driverOptions or a config file', () => {
    const settings: DriverSettings = { concurrency: 2, options: { runtime: 'process', stdio: 'ignore' } };
    expect(poolOptionsFromSettings(settings)).toMatchObject({ runtime: 'process', stdio: 'ignore' });
  });

  it.each([
    [{ runtime: 'fiber' }, /options\.runtime must be 'thread' or 'process', got "fiber"/],
    [{ cwd: '/tmp' }, /options\.cwd needs options\.runtime 'process'/],
    [{ stdio: 'ignore' }, /options\.stdio needs options\.runtime 'process'/],
    [{ runtime: 'process', cwd: '/no/such/dir/here' }, /options\.cwd must be an existing directory/],
    [{ runtime: 'process', cwd: 3 }, /options\.cwd must be a directory path, got 3/],
    [{ runtime: 'process', execArgv: '--title=x' }, /options\.execArgv must be an array of strings/],
    [{ runtime: 'process', stdio: 'loud' }, /options\.stdio must be 'inherit', 'capture' or 'ignore'/],
    [{ runtime: 'process', stdio: 'capture' }, /options\.stdio 'capture' needs options\.onOutput/],
    [{ runtime: 'process', stdio: 'ignore', onOutput: () => {} }, /options\.onOutput only receives/],
    [{ runtime: 'process', onOutput: 'log' }, /options\.onOutput must be a function/],
    [{ runtime: 'process', watchdog: 'yes' }, /options\.watchdog must be a boolean/],
  ])('rejects %o with a TypeError naming the option', (options, message) => {
    expect(() => new PoolDriver(options as never)).toThrow(TypeError);
    expect(() => new PoolDriver(options as never)).toThrow(message);
  });
});
