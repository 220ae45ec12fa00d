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

  it('normalizes the bootstrap to an href', () => {
    expect(new ThreadDriver({ bootstrap: '/app/boot.js' }).options.bootstrap).toBe('file:///app/boot.js');
    expect(new ThreadDriver({ bootstrap: new URL('file:///a/b.js') }).options.bootstrap).toBe(
      'file:///a/b.js',
    );
  });

  it.each([
    [{ concurrency: 0 }, RangeError, /concurrency/],
    [{ concurrency: 1.5 }, TypeError, /concurrency/],
    [{ prespawn: -1 }, RangeError, /prespawn/],
    [{ prespawn: '2' }, TypeError, /prespawn/],
    [{ lingerMs: -5 }, RangeError, /lingerMs/],
    [{ lingerMs: Number.NaN }, TypeError, /lingerMs/],
    [{ memoryLimitMb: 0 }, RangeError, /memoryLimitMb/],
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
