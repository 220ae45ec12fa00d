import { childPids, eventually } from '@isolane/core/os-probes';
import { describe, expect, it } from 'vitest';
import { measureDriver } from '../../dist/load/measure.js';

// A functional check of the load machinery (short, so it asserts shape and counts, never speed).
describe('measureDriver', () => {
  it.each(['cooperative', 'thread'] as const)(
    'measures /report and every scheduled /health probe under %s, then stops its server',
    async (driver) => {
      const row = await measureDriver(driver, {
        durationS: 1,
        reportConnections: 2,
        healthRate: 50,
        warmupRequests: 1,
      });
      expect(row.driver).toBe(driver);
      expect(row.loaded).toBe(true);
      expect(row.report.requests).toBeGreaterThan(0);
      expect(row.report.failures).toBe(0);
      expect(row.health.count).toBe(50);
      expect(row.health.failures).toBe(0);
      expect(row.health.p50).toBeLessThanOrEqual(row.health.p99);
      expect(row.health.p99).toBeLessThanOrEqual(row.health.max);
      expect(await eventually(() => childPids().length === 0, 10_000)).toBe(true);
    },
  );

  it('measures /health alone for the baseline', async () => {
    const row = await measureDriver(
      'cooperative',
      { durationS: 1, reportConnections: 1, healthRate: 20, warmupRequests: 0 },
      false,
    );
    expect(row.loaded).toBe(false);
    expect(row.report.requests).toBe(0);
    expect(row.health.count).toBe(20);
  });
});
