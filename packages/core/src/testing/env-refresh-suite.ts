/**
 * Environment freshness, run by every driver with warm workers (pool workers, prespawned threads and
 * children): a worker keeps the `process.env` it was started with, so a variable the parent rotates is
 * seen by the tasks only once the warm workers are replaced — by the driver's `recycle()` or core's
 * `recycleSharedDrivers()`. A task running during the recycle finishes with its own value.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Driver } from '../driver.js';
import { closeSharedDrivers, recycleSharedDrivers } from '../driver-registry.js';
import { WaitGroup } from '../wait-group.js';

/** How the suite makes the driver under test. */
export interface EnvRefreshSuiteOptions {
  /** The driver's name, as `driver:`. */
  readonly name: 'fork' | 'thread' | 'pool';
  /** Creates a private driver with warm workers (e.g. `{ concurrency: 1, prespawn: 1 }`). */
  readonly createDriver: () => Driver;
  /** Driver options the shared-driver case passes (warm workers, e.g. `{ prespawn: 1 }`). */
  readonly driverOptions?: Readonly<Record<string, unknown>>;
}

const TOKEN = `ISOLANE_TEST_TOKEN_${process.pid}`;

const readToken = (name: string) => process.env[name] ?? null;

/** Runs one task reading the token on `driver` (a group of its own) and returns what it read. */
async function tokenSeen(
  driver: Driver | string,
  driverOptions?: Readonly<Record<string, unknown>>,
): Promise<unknown> {
  const wg = new WaitGroup({
    driver: driver as never,
    ...(typeof driver === 'string' ? { concurrency: 1 } : {}),
    timeout: 60_000,
    ...(driverOptions ? { driverOptions } : {}),
  });
  try {
    wg.go(readToken, TOKEN);
    const [r] = await wg.wait();
    if (!r?.ok) throw new Error(`task failed: ${JSON.stringify(r)}`);
    return r.value;
  } finally {
    await wg.close();
  }
}

/**
 * Registers the environment-freshness cases for one driver in the current vitest file.
 *
 * @example
 * ```ts
 * // packages/thread/test/env-refresh.test.ts
 * import { runEnvRefreshSuite } from '@isolane/core/testing';
 * import { ThreadDriver } from '@isolane/thread';
 * runEnvRefreshSuite({ name: 'thread', createDriver: () => new ThreadDriver({ concurrency: 1, prespawn: 1 }) });
 * ```
 */
export function runEnvRefreshSuite(options: EnvRefreshSuiteOptions): void {
  const { name, driverOptions = {} } = options;
  const label = Object.keys(driverOptions).length > 0 ? ` ${JSON.stringify(driverOptions)}` : '';
  const drivers: Driver[] = [];
  const create = (): Driver => {
    const driver = options.createDriver();
    drivers.push(driver);
    return driver;
  };

  afterEach(async () => {
    delete process.env[TOKEN];
    await Promise.all(drivers.splice(0).map((d) => d.close()));
  });
  afterAll(() => closeSharedDrivers());

  describe(`${name} driver${label}: a rotated environment variable`, () => {
    it('after driver.recycle() the next task reads the new value', async () => {
      process.env[TOKEN] = 'old';
      const driver = create();
      expect(await tokenSeen(driver)).toBe('old');
      process.env[TOKEN] = 'new';
      driver.recycle?.();
      expect(typeof driver.recycle).toBe('function');
      expect(await tokenSeen(driver)).toBe('new');
      expect(await tokenSeen(driver)).toBe('new');
    }, 120_000);

    it('a task running during recycle() finishes with its own value; the next one sees the new value', async () => {
      process.env[TOKEN] = 'old';
      const driver = create();
      expect(await tokenSeen(driver)).toBe('old');
      const wg = new WaitGroup({ driver, timeout: 60_000 });
      const slow = (n: string) =>
        new Promise((done) => {
          const seen = process.env[n] ?? null;
          setTimeout(() => done(seen), 300);
        });
      wg.go(slow, TOKEN);
      const running = wg.wait();
      process.env[TOKEN] = 'new';
      driver.recycle?.();
      const [r] = await running;
      await wg.close();
      // It read the environment of the worker it ran in; what matters is that nothing failed.
      expect(r).toMatchObject({ ok: true });
      expect(await tokenSeen(driver)).toBe('new');
    }, 120_000);

    it('recycleSharedDrivers() refreshes the shared driver a WaitGroup names', async () => {
      process.env[TOKEN] = 'old';
      expect(await tokenSeen(name, driverOptions)).toBe('old');
      process.env[TOKEN] = 'new';
      recycleSharedDrivers();
      expect(await tokenSeen(name, driverOptions)).toBe('new');
    }, 120_000);
  });
}
