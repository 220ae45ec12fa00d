/**
 * The `env` option's suite, run by every out-of-process driver: a secret set in the parent is visible to
 * a task only when the option lets it through ('inherit', the default); an allow-list passes only the
 * listed names (read from the parent when a worker starts), an object is the whole environment — plus,
 * whatever the option, isolane's `ISOLANE_TREE` marker of the worker's process tree. Also
 * reached through the WaitGroup's `driverOptions` and a config file's `drivers.<name>.env`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../driver.js';
import { WaitGroup } from '../wait-group.js';

/** How the suite makes the driver under test. */
export interface EnvSuiteOptions {
  /** The driver's name, as `driver:` and as the config file's `drivers.<name>` key. */
  readonly name: 'fork' | 'thread' | 'pool';
  /** Creates a private driver with these driver options (concurrency 1 is passed by the suite). */
  readonly createDriver: (options: { concurrency?: number; env?: unknown }) => Driver;
  /** Driver options every group of the suite passes too (e.g. `{ runtime: 'process' }`). */
  readonly driverOptions?: Readonly<Record<string, unknown>>;
}

const SECRET = `ISOLANE_TEST_SECRET_${process.pid}`;
const VISIBLE = 'ISOLANE_TEST_VISIBLE';

/**
 * What the task sees: the two variables, and every name in its environment but isolane's own
 * `ISOLANE_TREE` (the marker of the worker's process tree, always there: driver-kit's process-tree).
 */
const readEnv = (secret: string, visible: string) => ({
  secret: process.env[secret] ?? null,
  visible: process.env[visible] ?? null,
  names: Object.keys(process.env)
    .filter((n) => n !== 'ISOLANE_TREE')
    .sort(),
});
type Seen = ReturnType<typeof readEnv>;

async function seen(wg: WaitGroup): Promise<Seen> {
  wg.go(readEnv, SECRET, VISIBLE);
  const [r] = await wg.wait();
  if (!r?.ok) throw new Error(`task failed: ${JSON.stringify(r)}`);
  return r.value as Seen;
}

async function withDriver(driver: Driver): Promise<Seen> {
  const wg = new WaitGroup({ driver, timeout: 30_000 });
  try {
    return await seen(wg);
  } finally {
    await wg.close();
    await driver.close();
  }
}

/** Runs one inline task on `driver` (then closes both) and returns its value. */
async function withDriverTask(driver: Driver, task: () => unknown): Promise<unknown> {
  const wg = new WaitGroup({ driver, timeout: 30_000 });
  try {
    wg.go(task);
    const [r] = await wg.wait();
    if (!r?.ok) throw new Error(`task failed: ${JSON.stringify(r)}`);
    return r.value;
  } finally {
    await wg.close();
    await driver.close();
  }
}

/**
 * Registers the `env` suite for one driver in the current vitest file.
 *
 * @example
 * ```ts
 * // packages/fork/test/env.test.ts
 * import { runEnvSuite } from '@isolane/core/testing';
 * import { ForkDriver } from '@isolane/fork';
 * runEnvSuite({ name: 'fork', createDriver: (o) => new ForkDriver(o as never) });
 * ```
 */
export function runEnvSuite(options: EnvSuiteOptions): void {
  const { name, driverOptions = {} } = options;
  const create = (env?: unknown): Driver =>
    options.createDriver({ concurrency: 1, ...(env === undefined ? {} : { env }) });
  const label = Object.keys(driverOptions).length > 0 ? ` ${JSON.stringify(driverOptions)}` : '';

  beforeAll(() => {
    process.env[SECRET] = 'hunter2';
    process.env[VISIBLE] = 'yes';
  });
  afterAll(() => {
    delete process.env[SECRET];
    delete process.env[VISIBLE];
  });

  describe(`${name} driver${label}: env option`, () => {
    it("'inherit' (the default) passes the parent's whole environment, secret included", async () => {
      expect(await withDriver(create())).toMatchObject({ secret: 'hunter2', visible: 'yes' });
      expect((await withDriver(create('inherit'))).secret).toBe('hunter2');
    });

    it('an allow-list passes only the listed variables: the secret is not visible', async () => {
      const got = await withDriver(create([VISIBLE, 'ISOLANE_TEST_UNSET']));
      expect(got).toEqual({ secret: null, visible: 'yes', names: [VISIBLE] });
    });

    it('an allow-list is read from the parent when a worker starts', async () => {
      const driver = create([VISIBLE]);
      process.env[VISIBLE] = 'changed';
      try {
        expect((await withDriver(driver)).visible).toBe('changed');
      } finally {
        process.env[VISIBLE] = 'yes';
      }
    });

    it('an object is the whole environment', async () => {
      const got = await withDriver(create({ [VISIBLE]: 'given', OTHER: '1' }));
      expect(got).toEqual({ secret: null, visible: 'given', names: ['OTHER', VISIBLE].sort() });
    });

    it('whatever the option, the worker carries its process-tree marker', async () => {
      const treeOf = (driver: Driver) =>
        withDriverTask(driver, () => process.env.ISOLANE_TREE ?? null) as Promise<string | null>;
      const marker = /^\d+\.[0-9a-f]+\.\d+$/;
      expect((await treeOf(create()))?.split(',').at(-1)).toMatch(marker);
      expect((await treeOf(create([VISIBLE])))?.split(',').at(-1)).toMatch(marker);
      expect((await treeOf(create({ OTHER: '1' })))?.split(',').at(-1)).toMatch(marker);
    });

    it('through the WaitGroup: driverOptions.env', async () => {
      const wg = new WaitGroup({
        driver: name,
        concurrency: 1,
        driverOptions: { ...driverOptions, env: [VISIBLE] },
      });
      try {
        expect(await seen(wg)).toMatchObject({ secret: null, visible: 'yes' });
      } finally {
        await wg.close();
      }
    });

    it(`through a config file: drivers.${name}.env`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'isolane-env-'));
      const file = join(dir, 'isolane.config.json');
      const drivers = { [name]: { ...driverOptions, env: { [VISIBLE]: 'from-config' } } };
      writeFileSync(file, JSON.stringify({ driver: name, drivers }));
      const wg = new WaitGroup({ config: file, concurrency: 1 });
      try {
        expect(await seen(wg)).toMatchObject({ secret: null, visible: 'from-config', names: [VISIBLE] });
      } finally {
        await wg.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it.each([
      [
        'none',
        /env"? must be 'inherit', an array of variable names \(an allow-list\) or an object of string values, got "none"/,
      ],
      [[''], /env"?\[0\] must be a non-empty environment variable name/],
      [['A=B'], /env"?\[0\] must be a non-empty environment variable name without "=" or NUL, got "A=B"/],
      [{ PORT: 8080 }, /env"?\.PORT must be a string, got 8080/],
      [null, /got null/],
      [new Map(), /an instance of Map/],
    ])('rejects env: %j with a TypeError naming the option', (env, message) => {
      expect(() => create(env)).toThrow(TypeError);
      expect(() => create(env)).toThrow(message);
    });
  });
}
