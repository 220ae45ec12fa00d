import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { isErrorValue, printable, readProperty, textOf, UNPRINTABLE } from '../src/printable.js';

function hostile(): unknown[] {
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  const throwing = new Proxy(
    {},
    new Proxy(
      {},
      {
        get: () => () => {
          throw new Error('trap');
        },
      },
    ),
  );
  const badMessage = new Error('x');
  Object.defineProperty(badMessage, 'message', {
    get: () => {
      throw new Error('getter');
    },
  });
  return [
    Object.create(null),
    {
      toString: () => {
        throw new Error('toString');
      },
    },
    {
      [Symbol.toPrimitive]: () => {
        throw new Error('toPrimitive');
      },
    },
    { toString: () => ({}) },
    throwing,
    revocable.proxy,
    badMessage,
    Object.assign(() => 1, {
      toString: () => {
        throw new Error('fn');
      },
    }),
  ];
}

describe('printable', () => {
  it('shows strings, primitives and Errors as their text', () => {
    expect(printable('x')).toBe('x');
    expect(printable(42)).toBe('42');
    expect(printable(10n)).toBe('10');
    expect(printable(Symbol('s'))).toBe('Symbol(s)');
    expect(printable(null)).toBe('null');
    expect(printable(undefined)).toBe('undefined');
    expect(printable(new RangeError('far'))).toBe('far');
    expect(printable(new Error(''))).toBe('Error');
    expect(printable(runInNewContext('new TypeError("other realm")'))).toBe('other realm');
    expect(printable({ toString: () => 'custom' })).toBe('custom');
  });

  it('never throws: a value that cannot be shown gives the fallback', () => {
    for (const value of hostile()) {
      expect(() => printable(value)).not.toThrow();
      expect(() => textOf(value)).not.toThrow();
      expect(typeof printable(value, 'fallback')).toBe('string');
    }
    expect(printable(Object.create(null))).toBe(UNPRINTABLE);
    expect(printable(Object.create(null), '<none>')).toBe('<none>');
  });

  it('textOf keeps String()’s form of an Error', () => {
    expect(textOf(new TypeError('bad'))).toBe('TypeError: bad');
    expect(textOf(Object.create(null), '?')).toBe('?');
  });

  it('isErrorValue and readProperty never throw', () => {
    const [, , , , throwing, revoked] = hostile();
    expect(isErrorValue(new Error('x'))).toBe(true);
    expect(isErrorValue(throwing)).toBe(false);
    expect(isErrorValue(revoked)).toBe(false);
    expect(readProperty(throwing, 'message')).toBeUndefined();
    expect(readProperty(revoked, 'message')).toBeUndefined();
    expect(readProperty(new Error('m'), 'message')).toBe('m');
  });
});
