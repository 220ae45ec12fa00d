/** The pool's options accept only what the model can honour; each error names the option and its range. */
import { describe, expect, it } from 'vitest';
import { resolvePoolOptions } from '../src/options.js';

const resolve = (options: Record<string, unknown>) => resolvePoolOptions(options, 2);

describe('pool options: ranges', () => {
  it('accepts the ends of each range', () => {
    expect(
      resolve({
        idleTimeout: 2 ** 31 - 1,
        maxHeapMb: 1_048_576,
        memoryLimitMb: 1_048_576,
        concurrency: 4096,
      }),
    ).toMatchObject({
      idleTimeout: 2147483647,
      maxHeapMb: 1048576,
      memoryLimitMb: 1048576,
      concurrency: 4096,
    });
    expect(resolve({ idleTimeout: Number.POSITIVE_INFINITY }).idleTimeout).toBe(Number.POSITIVE_INFINITY);
    expect(resolve({ bootstrap: 'file:///C:/app/boot.js' }).bootstrap).toBe('file:///C:/app/boot.js');
    expect(resolve({ bootstrap: '/app/boot.js', memoryLimitMb: 8 })).toMatchObject({
      bootstrap: 'file:///app/boot.js',
      memoryLimitMb: 8,
    });
    expect(resolve({ maxTasksPerWorker: Number.POSITIVE_INFINITY }).maxTasksPerWorker).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it.each([
    // Node turns a timer of 2^31 ms or more into 1 ms: every idle worker would be reaped at once.
    [
      { idleTimeout: 2 ** 31 },
      RangeError,
      'options.idleTimeout must be a number of ms from 1 to 2147483647 (or Infinity), got 2147483648',
    ],
    [{ idleTimeout: 0 }, RangeError, 'options.idleTimeout must be a number of ms from 1 to 2147483647'],
    [{ idleTimeout: '5s' }, TypeError, 'options.idleTimeout must be a number of ms, got "5s"'],
    // V8 ignores a limit this large: the worker would run unlimited.
    [
      { memoryLimitMb: 1e300 },
      RangeError,
      'options.memoryLimitMb must be an integer from 8 to 1048576 MiB, got 1e+300',
    ],
    // The rules every driver and WaitGroup share (driver-kit's checkers): a fraction of a MiB would stop a
    // worker process from starting, 4 MiB cannot start a worker at all.
    [{ memoryLimitMb: 100.5 }, RangeError, 'options.memoryLimitMb must be an integer from 8 to 1048576 MiB'],
    [{ memoryLimitMb: 4 }, RangeError, 'options.memoryLimitMb must be an integer from 8 to 1048576 MiB'],
    [{ concurrency: '4' }, TypeError, 'options.concurrency must be a number, got "4"'],
    [{ bootstrap: './boot.js' }, TypeError, 'options.bootstrap must be a module URL or an absolute path'],
    [
      { bootstrap: 'C:\\app\\boot.js' },
      TypeError,
      'options.bootstrap must be a module URL or an absolute path',
    ],
    [
      { bootstrap: 'file://host/boot.js' },
      TypeError,
      'options.bootstrap must be a module URL or an absolute path',
    ],
    [
      { maxHeapMb: 1e300 },
      RangeError,
      'options.maxHeapMb must be a number of MiB from 1 to 1048576, got 1e+300',
    ],
    [{ concurrency: 5000 }, RangeError, 'options.concurrency must be an integer from 1 to 4096, got 5000'],
    [
      { maxTasksPerWorker: 0 },
      RangeError,
      'options.maxTasksPerWorker must be an integer from 1 to 9007199254740991 (or Infinity), got 0',
    ],
  ])('rejects %j', (options, type, message) => {
    expect(() => resolve(options)).toThrow(type);
    expect(() => resolve(options)).toThrow(message);
  });
});

describe('pool options: the bootstrap deadline and the start bound', () => {
  it('defaults to 30000 ms and 1000 ms; Infinity turns each off', () => {
    expect(resolve({})).toMatchObject({ bootstrapTimeout: 30_000, lingerMs: 1_000 });
    expect(
      resolve({ bootstrapTimeout: Number.POSITIVE_INFINITY, lingerMs: Number.POSITIVE_INFINITY }),
    ).toMatchObject({ bootstrapTimeout: Number.POSITIVE_INFINITY, lingerMs: Number.POSITIVE_INFINITY });
    expect(resolve({ bootstrapTimeout: 1, lingerMs: 2 ** 31 - 1 })).toMatchObject({
      bootstrapTimeout: 1,
      lingerMs: 2147483647,
    });
  });

  it('refuses what is not a whole number of ms from 1, naming the option', () => {
    expect(() => resolve({ bootstrapTimeout: '30s' })).toThrow(
      new TypeError('options.bootstrapTimeout must be a number of ms, got "30s"'),
    );
    expect(() => resolve({ bootstrapTimeout: 0 })).toThrow(
      new RangeError(
        'options.bootstrapTimeout must be an integer from 1 to 2147483647 ms (or Infinity), got 0',
      ),
    );
    expect(() => resolve({ lingerMs: 0.5 })).toThrow(
      new RangeError('options.lingerMs must be an integer from 1 to 2147483647 ms (or Infinity), got 0.5'),
    );
    expect(() => resolve({ lingerMs: 2 ** 31 })).toThrow(RangeError);
  });
});
