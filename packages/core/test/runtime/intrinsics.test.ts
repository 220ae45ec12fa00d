import { describe, expect, it } from 'vitest';
import { mapGet, promiseThen, reflectApply, setAdd, uncurryThis } from '../../src/runtime/intrinsics.js';

/** Runs `body` with `target[key]` replaced, restoring it before returning (nothing awaits in between). */
function patched<T extends object>(target: T, key: PropertyKey, value: unknown, body: () => void): void {
  const before = Object.getOwnPropertyDescriptor(target, key);
  Object.defineProperty(target, key, { value, configurable: true, writable: true });
  try {
    body();
  } finally {
    if (before) Object.defineProperty(target, key, before);
    else delete (target as Record<PropertyKey, unknown>)[key];
  }
}

describe('intrinsics', () => {
  it('uncurried methods ignore later patches of the method and of Function.prototype.call', () => {
    const map = new Map([[1, 'one']]);
    const set = new Set<number>();
    patched(
      Map.prototype,
      'get',
      () => 'attacker',
      () => {
        patched(
          Function.prototype,
          'call',
          () => 'attacker',
          () => {
            expect(mapGet(map, 1)).toBe('one');
            expect(setAdd(set, 2)).toBe(set);
          },
        );
      },
    );
    expect(set.has(2)).toBe(true);
    const slice = uncurryThis(Array.prototype.slice);
    patched(
      Array.prototype,
      'slice',
      () => ['attacker'],
      () => {
        expect(slice([1, 2, 3], 1)).toEqual([2, 3]);
        expect(reflectApply((a: number, b: number) => a + b, undefined, [1, 2])).toBe(3);
      },
    );
  });

  it('promiseThen ignores a replaced Promise.prototype.then', async () => {
    let seen: unknown;
    const done = Promise.resolve(5);
    patched(
      Promise.prototype,
      'then',
      () => 'attacker',
      () => {
        promiseThen(done, (v) => {
          seen = v;
        });
      },
    );
    await done;
    await null;
    expect(seen).toBe(5);
  });
});
