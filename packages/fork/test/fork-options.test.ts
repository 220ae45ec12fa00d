// Option validation: defaults, and errors that name the option.
import { createDriver, ForkDriver } from '@isolane/fork';
import { describe, expect, it } from 'vitest';

describe('fork driver options', () => {
  it('fills in defaults', () => {
    const d = new ForkDriver({ concurrency: 2 });
    expect(d.options).toMatchObject({
      concurrency: 2,
      prespawn: 0,
      lingerMs: 1000,
      killGraceMs: 2000,
      stdio: 'inherit',
    });
    expect(d.options.warmModules).toBe(true);
    expect(d.options.watchdog).toBe(true);
    expect(d.name).toBe('fork');
  });

  it('normalizes the bootstrap to a file URL', () => {
    expect(new ForkDriver({ bootstrap: '/tmp/boot.js' }).options.bootstrap).toBe('file:///tmp/boot.js');
    expect(() => new ForkDriver({ bootstrap: 'boot.js' })).toThrow(/options\.bootstrap/);
  });

  it('rejects bad values, naming the option', () => {
    expect(() => new ForkDriver({ prespawn: -1 })).toThrow(RangeError);
    expect(() => new ForkDriver({ prespawn: 1.5 })).toThrow(/options\.prespawn must be an integer/);
    expect(() => new ForkDriver({ concurrency: 0 })).toThrow(/options\.concurrency must be >= 1/);
    expect(() => new ForkDriver({ killGraceMs: Number.NaN })).toThrow(/options\.killGraceMs/);
    expect(() => new ForkDriver({ stdio: 'loud' as 'inherit' })).toThrow(/options\.stdio/);
    expect(() => new ForkDriver({ stdio: 'capture' })).toThrow(/needs options\.onOutput/);
    expect(() => new ForkDriver({ stdio: 'inherit', onOutput: () => {} })).toThrow(/only receives output/);
    expect(() => new ForkDriver({ lingerMs: '5' as unknown as number })).toThrow(/options\.lingerMs/);
    expect(() => new ForkDriver({ watchdog: 'yes' as unknown as boolean })).toThrow(
      /options\.watchdog must be a boolean/,
    );
    expect(() => new ForkDriver({ nope: 1 } as never)).toThrow(/unknown fork driver option options\.nope/);
  });

  it('takes fork options from settings.options and the rest from the settings', () => {
    const d = createDriver({
      concurrency: 3,
      memoryLimitMb: 128,
      options: { lingerMs: 10, killGraceMs: 50 },
    });
    expect(d.options).toMatchObject({ concurrency: 3, memoryLimitMb: 128, lingerMs: 10, killGraceMs: 50 });
    expect(() => createDriver({ concurrency: 1, options: { concurrency: 2 } })).toThrow(
      /belongs to the driver settings/,
    );
    expect(() => createDriver({ concurrency: 1, options: { typo: true } })).toThrow(/options\.typo/);
  });
});
