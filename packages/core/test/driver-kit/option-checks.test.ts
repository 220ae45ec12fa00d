import { describe, expect, it } from 'vitest';
import { describeValue } from '../../src/driver-kit/describe-value.js';
import {
  checkConcurrency,
  checkGlobals,
  checkMemoryLimit,
  checkTimeout,
  MIN_MEMORY_LIMIT_MB,
} from '../../src/driver-kit/option-checks.js';

describe('option checkers', () => {
  it('concurrency: integers 1..4096; a string is a TypeError, a bad number a RangeError', () => {
    expect(checkConcurrency(1, 'c')).toBe(1);
    expect(checkConcurrency(4096, 'c')).toBe(4096);
    expect(() => checkConcurrency('4', 'options.concurrency')).toThrow(TypeError);
    expect(() => checkConcurrency('4', 'options.concurrency')).toThrow(/options\.concurrency/);
    for (const bad of [0, 4097, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => checkConcurrency(bad, 'options.concurrency')).toThrow(RangeError);
    }
  });

  it('memoryLimitMb: whole MiB from 8 to 1 TiB', () => {
    expect(MIN_MEMORY_LIMIT_MB).toBe(8);
    expect(checkMemoryLimit(8, 'm')).toBe(8);
    expect(checkMemoryLimit(1_048_576, 'm')).toBe(1_048_576);
    expect(() => checkMemoryLimit(100.5, 'options.memoryLimitMb')).toThrow(
      'options.memoryLimitMb must be an integer from 8 to 1048576 MiB, got 100.5',
    );
    for (const bad of [4, 1e300, -1, Number.NaN]) {
      expect(() => checkMemoryLimit(bad, 'options.memoryLimitMb')).toThrow(RangeError);
    }
    expect(() => checkMemoryLimit('64', 'options.memoryLimitMb')).toThrow(TypeError);
  });

  it('timeout: 0..2^31-1 ms, Infinity and 0 mean none', () => {
    expect(checkTimeout(5000, 't')).toBe(5000);
    expect(checkTimeout(0, 't')).toBe(0);
    expect(checkTimeout(Number.POSITIVE_INFINITY, 't')).toBe(0);
    expect(() => checkTimeout(2 ** 31, 'options.timeout')).toThrow(RangeError);
    expect(() => checkTimeout(-1, 'options.timeout')).toThrow(/options\.timeout/);
    expect(() => checkTimeout('5', 'options.timeout')).toThrow(TypeError);
  });

  it('globals: identifier names only', () => {
    expect(checkGlobals(['db', '$x', 'é'], 'g')).toEqual(['db', '$x', 'é']);
    expect(() => checkGlobals(['not-an-id'], 'options.globals')).toThrow(TypeError);
    expect(() => checkGlobals('db', 'options.globals')).toThrow(/options\.globals/);
  });

  it('describeValue shows what was given', () => {
    expect(describeValue('4')).toBe('"4"');
    expect(describeValue(4)).toBe('number 4');
    expect(describeValue(null)).toBe('null');
    expect(describeValue([])).toBe('an array');
    expect(describeValue({})).toBe('an object');
  });
});
