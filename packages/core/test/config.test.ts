import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearConfigCache, findConfigFile, loadConfig, validateConfig } from '../src/config.js';
import type { DriverSettings } from '../src/driver.js';
import { registerDriver } from '../src/driver-registry.js';
import { shutdown } from '../src/shutdown.js';
import { WaitGroup } from '../src/wait-group.js';
import { InProcessDriver } from './fixtures/in-process-driver.js';

let dir: string;
const created: { name: string; settings: DriverSettings }[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'isolane-config-'));
  clearConfigCache();
  created.length = 0;
  for (const name of ['pool', 'thread', 'fork', 'cooperative'] as const) {
    registerDriver(name, (settings) => {
      created.push({ name, settings });
      return new InProcessDriver(settings);
    });
  }
});

afterEach(async () => {
  delete process.env.ISOLANE_DRIVER;
  rmSync(dir, { recursive: true, force: true });
  await shutdown();
});

const writeJson = (file: string, value: unknown) => writeFileSync(join(dir, file), JSON.stringify(value));

describe('driver choice: option > ISOLANE_DRIVER > config file > pool', () => {
  it('defaults to pool', async () => {
    const wg = new WaitGroup({ cwd: dir });
    wg.go((a: number) => a, 1);
    await wg.wait();
    expect(created.map((c) => c.name)).toEqual(['pool']);
  });

  it('uses the config file found upward from the working directory, up to the project root', async () => {
    writeJson('package.json', { name: 'app' });
    writeJson('isolane.config.json', {
      driver: 'thread',
      concurrency: 3,
      drivers: { thread: { prespawn: 2 } },
    });
    const nested = join(dir, 'a', 'b');
    mkdirSync(nested, { recursive: true });
    expect(findConfigFile(nested)).toBe(join(dir, 'isolane.config.json'));
    const wg = new WaitGroup({ cwd: nested });
    wg.go(() => 1);
    await wg.wait();
    expect(created).toEqual([{ name: 'thread', settings: { concurrency: 3, options: { prespawn: 2 } } }]);
  });

  it('lets ISOLANE_DRIVER override the file, and the option override both', async () => {
    writeJson('isolane.config.json', { driver: 'thread' });
    process.env.ISOLANE_DRIVER = 'fork';
    new WaitGroup({ cwd: dir, concurrency: 1 });
    new WaitGroup({ cwd: dir, concurrency: 1, driver: 'cooperative' });
    await new Promise((r) => setTimeout(r, 10));
    expect(created.map((c) => c.name)).toEqual(['fork', 'cooperative']);
  });

  it('names the variable when ISOLANE_DRIVER is unknown', () => {
    process.env.ISOLANE_DRIVER = 'threads';
    expect(() => new WaitGroup({ cwd: dir })).toThrow(
      /ISOLANE_DRIVER.*"pool", "thread", "fork", "cooperative".*"threads"/,
    );
  });

  it('shares one driver per name and settings across groups', async () => {
    const a = new WaitGroup({ cwd: dir, driver: 'pool', concurrency: 2 });
    const b = new WaitGroup({ cwd: dir, driver: 'pool', concurrency: 2 });
    const c = new WaitGroup({ cwd: dir, driver: 'pool', concurrency: 3 });
    for (const wg of [a, b, c]) wg.go(() => 1);
    await Promise.all([a.wait(), b.wait(), c.wait()]);
    expect(created.map((x) => x.settings.concurrency)).toEqual([2, 3]);
  });

  it('tells which driver a group runs on', () => {
    writeJson('isolane.config.json', { driver: 'fork' });
    expect(new WaitGroup({ cwd: dir }).driverName).toBe('fork');
    expect(new WaitGroup({ cwd: dir, driver: 'thread' }).driverName).toBe('thread');
    expect(new WaitGroup({ driver: new InProcessDriver() }).driverName).toBe('in-process');
  });

  it('never shares a driver between groups whose driver options hold different functions', async () => {
    const onOutput = () => {};
    const groups = [onOutput, onOutput, () => {}].map(
      (fn) => new WaitGroup({ cwd: dir, driver: 'fork', concurrency: 1, driverOptions: { onOutput: fn } }),
    );
    for (const wg of groups) wg.go(() => 1);
    await Promise.all(groups.map((wg) => wg.wait()));
    expect(created).toHaveLength(2);
  });

  it('applies timeout, bootstrap (relative to the file) and globals from the config', async () => {
    writeFileSync(join(dir, 'boot.mjs'), 'globalThis.fromBoot = 5;');
    writeJson('isolane.config.json', {
      driver: 'pool',
      timeout: 1234,
      bootstrap: './boot.mjs',
      globals: ['fromBoot'],
    });
    const wg = new WaitGroup({ cwd: dir });
    // `fromBoot` is allowed because the config lists it as a bootstrap global.
    wg.go(() => fromBoot);
    const [r] = await wg.wait();
    expect(r).toMatchObject({ ok: true, value: 5 });
    expect(created[0]?.settings.bootstrap).toMatch(/^file:.*\/boot\.mjs$/);
  });

  it('loads a JS config file', async () => {
    writeFileSync(join(dir, 'isolane.config.mjs'), 'export default { driver: "fork", concurrency: 2 };');
    const loaded = await loadConfig(dir);
    expect(loaded?.config).toEqual({ driver: 'fork', concurrency: 2 });
  });
});

declare const fromBoot: number;

describe('malformed config names the file and the field', () => {
  it.each([
    [{ driver: 'threads' }, /"driver" must be one of/],
    [{ concurrency: 0 }, /"concurrency" must be an integer from 1/],
    [{ concurrency: '2' }, /"concurrency" must be a number/],
    [{ timeout: -1 }, /"timeout" must be a number of ms from 0 to 2147483647 \(or Infinity\), got -1/],
    [{ timeout: 2 ** 31 }, /"timeout" must be a number of ms from 0 to 2147483647/],
    [{ memoryLimitMb: 1 }, /"memoryLimitMb" must be an integer from 8 to 1048576 MiB, got 1/],
    [{ memoryLimitMb: 1e300 }, /"memoryLimitMb" must be an integer from 8 to 1048576 MiB, got 1e\+300/],
    [{ globals: ['ok', 'not ok'] }, /"globals" must be an array of identifier names/],
    [{ drivers: { pool: 3 } }, /"drivers.pool" must be an object/],
    [{ drivers: { pol: {} } }, /"drivers.pol" must be one of/],
    [{ concurreny: 2 }, /unknown field "concurreny"/],
    [[], /must be an object/],
  ])('%j', (raw, message) => {
    expect(() => validateConfig(raw, '/app/isolane.config.json')).toThrow(message);
    expect(() => validateConfig(raw, '/app/isolane.config.json')).toThrow(/\/app\/isolane\.config\.json/);
  });

  it('reports invalid JSON with the file name', () => {
    writeFileSync(join(dir, 'isolane.config.json'), '{ "driver": ');
    expect(() => new WaitGroup({ cwd: dir })).toThrow(/isolane\.config\.json: not valid JSON/);
  });

  it('rejects wait() when a JS config is malformed, naming the file', async () => {
    writeFileSync(join(dir, 'isolane.config.mjs'), 'export default { driver: 42 };');
    const wg = new WaitGroup({ cwd: dir });
    wg.go(() => 1);
    await expect(wg.wait()).rejects.toThrow(/isolane\.config\.mjs: "driver" must be one of/);
  });
});

describe('driver packages are resolved from the application', () => {
  it('says which package to install when a driver package is missing', async () => {
    const { resolveDriverPackage } = await import('../src/driver-registry.js');
    expect(() => resolveDriverPackage('@isolane/not-a-driver', [`file://${dir}/noop.js`])).toThrow(
      /the driver package @isolane\/not-a-driver cannot be found .*install it \(pnpm add @isolane\/not-a-driver/,
    );
  });
});
