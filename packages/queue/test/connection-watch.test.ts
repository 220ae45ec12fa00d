import { describe, expect, it } from 'vitest';
import { ConnectionWatch } from '../src/connection-watch.js';

describe('ConnectionWatch', () => {
  it('expires after the timeout of continuous down time, then counts again from there', () => {
    const watch = new ConnectionWatch(1_000);
    watch.connecting(0);
    expect(watch.expired(false, 999)).toBe(false);
    expect(watch.expired(false, 1_000)).toBe(true);
    expect(watch.expired(false, 1_500)).toBe(false);
    expect(watch.expired(false, 2_000)).toBe(true);
  });

  it('a connection that comes back, or nothing pending, starts the count afresh', () => {
    const watch = new ConnectionWatch(1_000);
    watch.connecting(0);
    expect(watch.expired(true, 900)).toBe(false);
    expect(watch.expired(false, 950)).toBe(false);
    expect(watch.expired(false, 1_900)).toBe(false);
    watch.reset();
    expect(watch.expired(false, 2_000)).toBe(false);
    expect(watch.expired(false, 2_999)).toBe(false);
    expect(watch.expired(false, 3_000)).toBe(true);
  });
});
