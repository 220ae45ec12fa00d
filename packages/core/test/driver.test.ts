import { describe, expect, it } from 'vitest';
import { isDriver } from '../src/driver.js';
import { WaitGroup } from '../src/wait-group.js';
import { InProcessDriver } from './fixtures/in-process-driver.js';

describe('isDriver', () => {
  it('accepts a class instance and a plain object with a name, start() and close()', () => {
    expect(isDriver(new InProcessDriver())).toBe(true);
    const plain = { name: 'plain', start: () => ({ abort() {} }), close: async () => {} };
    expect(isDriver(plain)).toBe(true);
  });

  it.each([
    ['null', null],
    ['a string', 'pool'],
    ['an empty object', {}],
    ['no name', { start: () => ({ abort() {} }), close: async () => {} }],
    ['a numeric name', { name: 1, start: () => ({ abort() {} }), close: async () => {} }],
    ['no close()', { name: 'x', start: () => ({ abort() {} }) }],
    ['start not a function', { name: 'x', start: 1, close: async () => {} }],
    ['only the old brand', { [Symbol.for('isolane.driver')]: true }],
  ])('rejects %s', (_label, value) => {
    expect(isDriver(value)).toBe(false);
  });

  it('is what WaitGroup uses to tell a Driver instance from a bad driver option', async () => {
    const driver = new InProcessDriver();
    await using wg = new WaitGroup({ driver, config: false });
    expect(wg.driverName).toBe('in-process');
    expect(
      () => new WaitGroup({ driver: { start: driver.start, close: driver.close } as never, config: false }),
    ).toThrow(/options\.driver must be a driver name or a Driver instance \(with a name/);
  });
});
