/** Option validation names the bad option; settings from core map onto the driver's options. */
import { DEFAULT_LINGER_MS, ThreadDriver } from '@isolane/thread';
import { describe, expect, it } from 'vitest';

describe('ThreadDriver options', () => {
  it('applies defaults', () => {
    const { options } = new ThreadDriver();
    expect(options.concurrency).toBeGreaterThanOrEqual(1);
    expect(options).toMatchObject({ prespawn: 0, lingerMs: DEFAULT_LINGER_MS });
    expect(options.bootstrap).toBeUndefined();
  });

  // Which hrefs are accepted (file://host, drive letters) is driver-kit's one rule: the conformance
  // suite's option-parity case holds this driver's factory to it, beside WaitGroup.
  it('normalizes the bootstrap to an href', () => {
    expect(new ThreadDriver({ bootstrap: '/app/boot.js' }).options.bootstrap).toBe('file:///app/boot.js');
    expect(new ThreadDriver({ bootstrap: new URL('file:///a/b.js') }).options.bootstrap).toBe(
      'file:///a/b.js',
    );
  });

  it.each([
    [{ concurrency: 0 }, RangeError, /concurrency/],
    [{ concurrency: 1.5 }, RangeError, /concurrency/],
    [{ concurrency: 5000 }, RangeError, /"concurrency" must be an integer from 1 to 4096, got 5000/],
    [{ prespawn: -1 }, RangeError, /prespawn/],
    [{ prespawn: '2' }, TypeError, /prespawn/],
    // A config must not be able to start a hundred workers.
    [{ prespawn: 100 }, RangeError, /"prespawn" must be an integer from 0 to 64, got 100/],
    [{ lingerMs: -5 }, RangeError, /lingerMs/],
    [{ lingerMs: Number.NaN }, RangeError, /lingerMs/],
    // Node turns a timer of 2^31 ms or more into 1 ms: the worker would be cut off at once.
    [
      { lingerMs: 2 ** 31 },
      RangeError,
      /"lingerMs" must be a number of ms from 0 to 2147483647, got 2147483648/,
    ],
    [{ memoryLimitMb: 0 }, RangeError, /memoryLimitMb/],
    // V8 ignores a limit this large: the worker would run unlimited.
    [
      { memoryLimitMb: 1e300 },
      RangeError,
      /"memoryLimitMb" must be an integer from 8 to 1048576 MiB, got 1e\+300/,
    ],
    // driver-kit's one rule, the same as WaitGroup's and fork's: whole MiB, at least 8.
    [{ memoryLimitMb: 100.5 }, RangeError, /"memoryLimitMb" must be an integer from 8/],
    [{ memoryLimitMb: 4 }, RangeError, /"memoryLimitMb" must be an integer from 8/],
    [{ concurrency: '4' }, TypeError, /"concurrency" must be a number/],
    [{ bootstrap: 'relative/boot.js' }, TypeError, /bootstrap/],
    [{ workers: 2 }, TypeError, /unknown thread driver option "workers"/],
  ])('rejects %j', (options, type, message) => {
    expect(() => new ThreadDriver(options as never)).toThrow(type);
    expect(() => new ThreadDriver(options as never)).toThrow(message);
  });
});

describe('createDriver(settings)', () => {
  it('takes prespawn and lingerMs from settings.options', async () => {
    const { createDriver } = await import('@isolane/thread');
    const driver = createDriver({
      concurrency: 3,
      memoryLimitMb: 64,
      options: { prespawn: 1, lingerMs: 50 },
    });
    try {
      expect(driver.options).toMatchObject({ concurrency: 3, memoryLimitMb: 64, prespawn: 1, lingerMs: 50 });
      expect(driver.threadCount).toBe(1);
    } finally {
      await driver.close();
    }
    expect(driver.threadCount).toBe(0);
  });

  it('rejects an unknown driver option, naming it', async () => {
    const { createDriver } = await import('@isolane/thread');
    expect(() => createDriver({ concurrency: 1, options: { prespwan: 1 } })).toThrow(/"prespwan"/);
  });
});
