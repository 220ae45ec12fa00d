/**
 * The umbrella package: core's whole API under one name, and every driver usable by name from an app
 * that installed only `isolane`.
 */
import * as core from '@isolane/core';
import * as coreTask from '@isolane/core/task';
import * as umbrella from 'isolane';
import * as umbrellaTask from 'isolane/task';
import { describe, expect, it } from 'vitest';

describe('isolane re-exports core', () => {
  it('exports every value core exports, as the same objects', () => {
    const names = Object.keys(core).sort();
    expect(names.length).toBeGreaterThan(20);
    expect(Object.keys(umbrella).sort()).toEqual(names);
    for (const name of names) {
      expect((umbrella as Record<string, unknown>)[name], name).toBe((core as Record<string, unknown>)[name]);
    }
  });

  it('isolane/task is core/task', () => {
    expect(Object.keys(umbrellaTask).sort()).toEqual(Object.keys(coreTask).sort());
    expect(umbrellaTask.defineTask).toBe(coreTask.defineTask);
  });
});

describe('every local driver runs a task through the umbrella', () => {
  // 'queue' needs a Redis server and isolane-worker processes: @isolane/queue's own tests cover it.
  for (const driver of umbrella.KNOWN_DRIVERS.filter((d) => d !== 'queue')) {
    it(`driver: '${driver}'`, { timeout: 60_000 }, async () => {
      await using wg = new umbrella.WaitGroup({ driver, timeout: 30_000 });
      wg.go((a: number, b: number) => a * b, 6, 7);
      const [r] = await wg.wait();
      expect(r).toMatchObject({ ok: true, value: 42 });
    });
  }
});
