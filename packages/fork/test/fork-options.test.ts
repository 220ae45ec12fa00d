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

  // Which hrefs are accepted (file://host, drive letters) is driver-kit's one rule: the conformance
  // suite's option-parity case holds this driver's factory to it, beside WaitGroup.
  it('normalizes the bootstrap to a file URL', () => {
    expect(new ForkDriver({ bootstrap: '/tmp/boot.js' }).options.bootstrap).toBe('file:///tmp/boot.js');
    expect(() => new ForkDriver({ bootstrap: 'boot.js' })).toThrow(/options\.bootstrap/);
  });

  it('rejects bad values, naming the option', () => {
    expect(() => new ForkDriver({ prespawn: -1 })).toThrow(RangeError);
    expect(() => new ForkDriver({ prespawn: 1.5 })).toThrow(/options\.prespawn must be an integer/);
    expect(() => new ForkDriver({ concurrency: 0 })).toThrow(
      /options\.concurrency must be an integer from 1 to 4096, got 0/,
    );
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

  it('rejects values the model cannot honour, naming the option and the range', () => {
    // Node turns a timer of 2^31 ms or more into 1 ms: the child would be killed at once.
    expect(() => new ForkDriver({ killGraceMs: 2 ** 31 })).toThrow(
      'options.killGraceMs must be an integer from 0 to 2147483647 ms, got 2147483648',
    );
    expect(() => new ForkDriver({ lingerMs: 2 ** 31 })).toThrow(RangeError);
    expect(() => new ForkDriver({ lingerMs: 2 ** 31 })).toThrow(/options\.lingerMs .* 0 to 2147483647 ms/);
    expect(new ForkDriver({ killGraceMs: 2 ** 31 - 1 }).options.killGraceMs).toBe(2147483647);
    // A child does not even start with --max-old-space-size=1e+300.
    expect(() => new ForkDriver({ memoryLimitMb: 1e300 })).toThrow(
      'options.memoryLimitMb must be an integer from 8 to 1048576 MiB, got 1e+300',
    );
    // driver-kit's one rule, the same as WaitGroup's: whole MiB (a child refuses --max-old-space-size=100.5),
    // at least 8 (a smaller heap cannot even start), and a number, never a numeric string.
    expect(() => new ForkDriver({ memoryLimitMb: 100.5 })).toThrow(RangeError);
    expect(() => new ForkDriver({ memoryLimitMb: 4 })).toThrow(/options\.memoryLimitMb .* from 8 /);
    expect(() => new ForkDriver({ concurrency: '4' as unknown as number })).toThrow(TypeError);
    expect(() => new ForkDriver({ concurrency: '4' as unknown as number })).toThrow(/options\.concurrency/);
    // A config must not be able to start a hundred processes.
    expect(() => createDriver({ concurrency: 1, options: { prespawn: 100 } })).toThrow(
      'options.prespawn must be an integer from 0 to 64, got 100',
    );
    expect(() => new ForkDriver({ concurrency: 5000 })).toThrow(/options\.concurrency .* from 1 to 4096/);
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
