import { describe, expect, it } from 'vitest';
import { checkConcurrency } from '../../src/driver-kit/option-checks.js';
import {
  checkMemoryMb,
  checkNumberInRange,
  checkPrespawn,
  checkTimerMs,
  MAX_MEMORY_LIMIT_MB,
  MAX_PRESPAWN,
  MAX_TIMER_MS,
} from '../../src/driver-kit/option-ranges.js';

describe('timers', () => {
  it('accept up to 2^31 - 1 ms, the longest delay a Node timer honours', () => {
    expect(checkTimerMs(MAX_TIMER_MS, 'options.lingerMs')).toBe(2_147_483_647);
    expect(checkTimerMs(0, 'options.lingerMs')).toBe(0);
  });

  it.each([2 ** 31, 1e300, -1, Number.NaN])(
    'reject %s with a RangeError naming the option and range',
    (ms) => {
      expect(() => checkTimerMs(ms, 'options.lingerMs')).toThrow(RangeError);
      expect(() => checkTimerMs(ms, 'options.lingerMs')).toThrow(
        `options.lingerMs must be a number of ms from 0 to 2147483647, got ${ms}`,
      );
    },
  );

  it('accept Infinity only when asked, and whole numbers only when asked', () => {
    expect(() => checkTimerMs(Number.POSITIVE_INFINITY, 'x')).toThrow(RangeError);
    expect(checkTimerMs(Number.POSITIVE_INFINITY, 'x', { infinity: true })).toBe(Number.POSITIVE_INFINITY);
    expect(() => checkTimerMs(2 ** 31, 'options.idleTimeout', { min: 1, infinity: true })).toThrow(
      'options.idleTimeout must be a number of ms from 1 to 2147483647 (or Infinity), got 2147483648',
    );
    expect(() => checkTimerMs(1.5, 'options.killGraceMs', { integer: true })).toThrow(
      'options.killGraceMs must be an integer from 0 to 2147483647 ms, got 1.5',
    );
  });

  it('call a non-number a TypeError', () => {
    expect(() => checkTimerMs('5s', 'options.lingerMs')).toThrow(TypeError);
    expect(() => checkTimerMs('5s', 'options.lingerMs')).toThrow(
      'options.lingerMs must be a number of ms, got "5s"',
    );
  });
});

describe('memory, concurrency, prespawn', () => {
  it('cap memory at 1 TiB (1e300 MiB would be ignored by V8 or stop a child from starting)', () => {
    expect(checkMemoryMb(MAX_MEMORY_LIMIT_MB, 'options.memoryLimitMb')).toBe(1_048_576);
    expect(() => checkMemoryMb(1e300, 'options.memoryLimitMb')).toThrow(
      'options.memoryLimitMb must be a number of MiB from 1 to 1048576, got 1e+300',
    );
    expect(() => checkMemoryMb(Number.POSITIVE_INFINITY, 'options.memoryLimitMb')).toThrow(RangeError);
    expect(() => checkMemoryMb(100.5, 'options.memoryLimitMb', { integer: true })).toThrow(
      'options.memoryLimitMb must be an integer from 1 to 1048576 MiB, got 100.5',
    );
  });

  it('bound concurrency to 1..4096 and prespawn to 0..64', () => {
    expect(checkConcurrency(4096, 'c')).toBe(4096);
    expect(() => checkConcurrency(4097, 'options.concurrency')).toThrow(
      'options.concurrency must be an integer from 1 to 4096, got 4097',
    );
    expect(checkPrespawn(MAX_PRESPAWN, 'p')).toBe(64);
    expect(() => checkPrespawn(100, 'options.prespawn')).toThrow(
      'options.prespawn must be an integer from 0 to 64, got 100',
    );
  });

  it('checks any range', () => {
    expect(checkNumberInRange(3, 'r', { min: 1, max: 3, integer: true })).toBe(3);
    expect(() => checkNumberInRange(null, 'options.r', { min: 1 })).toThrow(
      'options.r must be a number, got null',
    );
  });
});
