import { type DriverName, shutdown } from '@isolane/core';
import { childPids, countThreads, eventually } from '@isolane/core/os-probes';
import { afterAll, describe, expect, it } from 'vitest';
import { createFanoutServer, type PrimeReport } from '../dist/index.js';

const DRIVERS: readonly DriverName[] = ['cooperative', 'thread', 'fork', 'pool'];

afterAll(async () => {
  await shutdown();
});

async function get(base: URL, path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(new URL(path, base), { signal: AbortSignal.timeout(60_000) });
  return { status: res.status, body: await res.json() };
}

describe.each(DRIVERS)('the server under %s', (driver) => {
  it('answers both endpoints on an ephemeral port, then shuts down leaving no worker behind', async () => {
    const threadsBefore = countThreads();
    const app = createFanoutServer({ driver, concurrency: 2 });
    const base = await app.listen(0);
    try {
      expect(base.hostname).toBe('127.0.0.1');
      expect(Number(base.port)).toBeGreaterThan(0);

      expect(await get(base, '/health')).toEqual({ status: 200, body: { status: 'ok' } });

      const { status, body } = await get(base, '/report?limit=10000000&segments=4');
      expect(status).toBe(200);
      const report = body as PrimeReport;
      expect(report.limit).toBe(10_000_000);
      expect(report.primes).toBe(664_579);
      expect(report.segments.map((s) => [s.lo, s.hi])).toEqual([
        [0, 2_500_000],
        [2_500_000, 5_000_000],
        [5_000_000, 7_500_000],
        [7_500_000, 10_000_000],
      ]);
      expect(report.segments.reduce((n, s) => n + (s.primes ?? 0), 0)).toBe(664_579);

      // Two requests at once: two groups sharing the process-wide driver.
      const [a, b] = await Promise.all([
        get(base, '/report?limit=1000000&segments=3'),
        get(base, '/report?limit=100'),
      ]);
      expect((a.body as PrimeReport).primes).toBe(78_498);
      expect((b.body as PrimeReport).primes).toBe(25);

      expect(await get(base, '/report?segments=0')).toEqual({
        status: 400,
        body: { error: '"segments" must be an integer from 1 to 64, got "0"' },
      });
      expect((await get(base, '/nope')).status).toBe(404);
    } finally {
      await app.close();
    }
    expect(app.server.listening).toBe(false);
    await expect(fetch(new URL('/health', base))).rejects.toThrow();
    expect(await eventually(() => childPids().length === 0, 10_000)).toBe(true);
    if (threadsBefore !== undefined) {
      expect(await eventually(() => (countThreads() ?? 0) <= threadsBefore, 10_000)).toBe(true);
    }
  });
});
