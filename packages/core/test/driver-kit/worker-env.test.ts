import { describe, expect, it } from 'vitest';
import { checkWorkerEnv, markedWorkerEnv, workerEnv } from '../../src/driver-kit/worker-env.js';

describe('checkWorkerEnv', () => {
  it("accepts 'inherit', an allow-list (deduplicated, frozen) and an object of strings (copied, frozen)", () => {
    expect(checkWorkerEnv('inherit', 'o.env')).toBe('inherit');
    const names = ['PATH', 'TZ', 'PATH'];
    const list = checkWorkerEnv(names, 'o.env');
    expect(list).toEqual(['PATH', 'TZ']);
    expect(Object.isFrozen(list)).toBe(true);
    const given = { NODE_ENV: 'production' };
    const env = checkWorkerEnv(given, 'o.env');
    given.NODE_ENV = 'changed';
    expect(env).toEqual({ NODE_ENV: 'production' });
    expect(checkWorkerEnv(Object.create(null), 'o.env')).toEqual({});
    expect(checkWorkerEnv([], 'o.env')).toEqual([]);
  });

  it.each([
    [
      'everything',
      /o\.env must be 'inherit', an array of variable names \(an allow-list\) or an object of string values, got "everything"/,
    ],
    [42, /o\.env must be .* got 42/],
    [true, /got true/],
    [null, /got null/],
    [new Map([['A', '1']]), /got an instance of Map/],
    [[1], /o\.env\[0\] must be a non-empty environment variable name without "=" or NUL, got 1/],
    [['OK', ''], /o\.env\[1\] must be a non-empty environment variable name/],
    [['A\0B'], /o\.env\[0\]/],
    [{ 'A=B': 'x' }, /o\.env key "A=B" must be a non-empty environment variable name/],
    [{ PORT: 8080 }, /o\.env\.PORT must be a string, got 8080/],
    [{ DEBUG: undefined }, /o\.env\.DEBUG must be a string, got undefined/],
    [{ PORT: throwingConstructor() }, /o\.env\.PORT must be a string, got an instance of an unknown class/],
  ])('rejects %j with a TypeError naming the option', (value, message) => {
    expect(() => checkWorkerEnv(value, 'o.env')).toThrow(TypeError);
    expect(() => checkWorkerEnv(value, 'o.env')).toThrow(message);
  });
});

describe('workerEnv', () => {
  const parent = { HOME: '/home/a', API_KEY: 's3cret', TZ: 'UTC' };

  it("'inherit' leaves the platform default (undefined)", () => {
    expect(workerEnv('inherit', parent)).toBeUndefined();
  });

  it('an allow-list picks the listed variables the parent has, nothing else', () => {
    expect(workerEnv(['HOME', 'TZ', 'MISSING'], parent)).toEqual({ HOME: '/home/a', TZ: 'UTC' });
    expect(workerEnv([], parent)).toEqual({});
  });

  it('an object is the whole environment, as a fresh copy', () => {
    const option = checkWorkerEnv({ A: '1' }, 'o.env');
    const env = workerEnv(option, parent);
    expect(env).toEqual({ A: '1' });
    expect(env).not.toBe(option);
  });
});

describe('markedWorkerEnv', () => {
  it('always gives an environment carrying the worker marker, whatever the option', () => {
    const parent = { PATH: '/bin', API_KEY: 's3cret' };
    const own = process.env.ISOLANE_TREE;
    const tree = (marker: string) => (own ? `${own},${marker}` : marker);
    expect(markedWorkerEnv('inherit', 'h.r.1', parent)).toEqual({ ...parent, ISOLANE_TREE: tree('h.r.1') });
    expect(markedWorkerEnv(['PATH'], 'h.r.2', parent)).toEqual({ PATH: '/bin', ISOLANE_TREE: tree('h.r.2') });
    expect(markedWorkerEnv({ A: '1' }, 'h.r.3', parent)).toEqual({ A: '1', ISOLANE_TREE: tree('h.r.3') });
  });
});

/** An object whose `constructor` getter throws (describing it must not). */
function throwingConstructor(): object {
  return Object.defineProperty({}, 'constructor', {
    get() {
      throw new Error('constructor getter');
    },
  });
}
