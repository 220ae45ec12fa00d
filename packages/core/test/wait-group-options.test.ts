import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkGroupOptions } from '../src/wait-group-options.js';
import { InProcessDriver } from './fixtures/in-process-driver.js';

describe('checkGroupOptions', () => {
  it('onMessage and onProgress must be functions (named in the error)', () => {
    expect(() => checkGroupOptions({ onMessage: 1 as never })).toThrow(
      'options.onMessage must be a function',
    );
    expect(() => checkGroupOptions({ onProgress: 'x' as never })).toThrow(
      'options.onProgress must be a function',
    );
    expect(() => checkGroupOptions({ onMessage: () => {}, onProgress: () => {} })).not.toThrow();
  });

  it('normalizes what it checks and leaves unset options undefined', () => {
    const checked = checkGroupOptions({
      timeout: Number.POSITIVE_INFINITY,
      bootstrap: '/srv/boot.mjs',
      driver: 'thread',
      globals: ['db'],
    });
    expect(checked).toMatchObject({
      timeout: 0,
      bootstrap: pathToFileURL('/srv/boot.mjs').href,
      driverName: 'thread',
      driverInstance: undefined,
      globals: ['db'],
      concurrency: undefined,
      config: undefined,
    });
  });

  it('accepts every option spelled out as undefined', () => {
    const checked = checkGroupOptions({
      driver: undefined,
      bootstrap: undefined,
      concurrency: undefined,
      timeout: undefined,
      memoryLimitMb: undefined,
      signal: undefined,
      globals: undefined,
      driverOptions: undefined,
      onError: undefined,
      cwd: undefined,
      config: undefined,
    });
    expect(Object.values(checked).every((v) => v === undefined)).toBe(true);
  });

  it('checks the explicit options in a fixed order: concurrency before the driver name', () => {
    expect(() => checkGroupOptions({ concurrency: 0, driver: 'threads' as never })).toThrow(
      /options\.concurrency/,
    );
  });

  it('keeps a Driver instance apart from a name, and refuses driver settings next to it', () => {
    const driver = new InProcessDriver();
    expect(checkGroupOptions({ driver })).toMatchObject({ driverInstance: driver, driverName: undefined });
    expect(() => checkGroupOptions({ driver, driverOptions: {} })).toThrow(
      /options\.driverOptions belongs to the driver when options\.driver is a Driver instance/,
    );
  });

  it('names a non-object options argument', () => {
    expect(() => checkGroupOptions(null as never)).toThrow(/WaitGroup options must be an object, got null/);
    expect(() => checkGroupOptions(3 as never)).toThrow(/got number/);
  });
});
