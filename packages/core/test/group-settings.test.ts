import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearConfigCache } from '../src/config.js';
import type { Driver, DriverSettings } from '../src/driver.js';
import { closeSharedDrivers, registerDriver, unshareDriver } from '../src/driver-registry.js';
import { GroupSettings } from '../src/group-settings.js';
import { shutdown } from '../src/shutdown.js';
import { checkGroupOptions, type WaitGroupOptions } from '../src/wait-group-options.js';
import { InProcessDriver } from './fixtures/in-process-driver.js';

let dir: string;
const created: { name: string; settings: DriverSettings }[] = [];
const settingsOf = (options: WaitGroupOptions) => new GroupSettings(checkGroupOptions(options));
const write = (file: string, text: string) => writeFileSync(join(dir, file), text);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'isolane-settings-'));
  clearConfigCache();
  created.length = 0;
  for (const name of ['pool', 'thread'] as const) {
    registerDriver(name, (settings) => {
      created.push({ name, settings });
      return new InProcessDriver(settings);
    });
  }
});

afterEach(async () => {
  rmSync(dir, { recursive: true, force: true });
  await shutdown();
});

describe('GroupSettings: option, then config, then default', () => {
  it('takes the defaults when neither options nor config set anything', () => {
    const s = settingsOf({ cwd: dir });
    expect([s.timeout, s.globals.size, s.driverName]).toEqual([0, 0, 'pool']);
    expect(s.driver).toBeInstanceOf(InProcessDriver);
    expect(created[0]?.settings.concurrency).toBeGreaterThan(0);
  });

  it('fills what the options leave open from a JSON config at once, options winning', () => {
    write(
      'isolane.config.json',
      JSON.stringify({ driver: 'thread', timeout: 900, globals: ['db'], concurrency: 3, memoryLimitMb: 64 }),
    );
    const s = settingsOf({ cwd: dir, timeout: 100, concurrency: 2 });
    expect([s.timeout, [...s.globals], s.driverName]).toEqual([100, ['db'], 'thread']);
    expect(created).toEqual([{ name: 'thread', settings: { concurrency: 2, memoryLimitMb: 64 } }]);
  });

  it('carries bootstrapTimeout to the driver: the option over the config file’s, none by default', () => {
    settingsOf({ cwd: dir, config: false });
    write('isolane.config.json', JSON.stringify({ bootstrapTimeout: 1234 }));
    settingsOf({ cwd: dir });
    settingsOf({ cwd: dir, bootstrapTimeout: Number.POSITIVE_INFINITY });
    expect(created.map((c) => c.settings.bootstrapTimeout)).toEqual([
      undefined,
      1234,
      Number.POSITIVE_INFINITY,
    ]);
  });

  it('merges driverOptions over the config file’s drivers.<name>', () => {
    write('isolane.config.json', JSON.stringify({ drivers: { pool: { a: 1, b: 1 } } }));
    settingsOf({ cwd: dir, driverOptions: { b: 2 } });
    expect(created[0]?.settings.options).toEqual({ a: 1, b: 2 });
  });

  it('applies a JS config once it has loaded: the driver is a promise until then', async () => {
    write('isolane.config.mjs', "export default { driver: 'thread', timeout: 700, globals: ['cache'] };");
    const s = settingsOf({ cwd: dir });
    expect(s.driver).toBeInstanceOf(Promise);
    expect([s.timeout, s.globals.size, s.driverName]).toEqual([0, 0, undefined]);
    await s.driver;
    expect([s.timeout, [...s.globals], s.driverName]).toEqual([700, ['cache'], 'thread']);
  });

  it('reads no config for a Driver instance whose group sets timeout and globals itself', () => {
    write('isolane.config.json', '{ not json');
    const driver = new InProcessDriver();
    const s = settingsOf({ cwd: dir, driver, timeout: 5, globals: [] });
    expect(s.driver).toBe(driver);
    expect(s.driverName).toBe('in-process');
    expect(created).toEqual([]);
    // Without both, the config is read (and a malformed one named).
    expect(() => settingsOf({ cwd: dir, driver, timeout: 5 })).toThrow(/isolane\.config\.json/);
  });

  it('reads a config file named by the config option even next to a Driver instance', () => {
    write('other.json', JSON.stringify({ timeout: 42 }));
    const s = settingsOf({
      cwd: dir,
      driver: new InProcessDriver(),
      timeout: 5,
      globals: [],
      config: 'other.json',
    });
    expect(s.timeout).toBe(5);
    expect(() =>
      settingsOf({
        cwd: dir,
        driver: new InProcessDriver(),
        timeout: 5,
        globals: [],
        config: 'missing.json',
      }),
    ).toThrow(/options\.config names the config file .*missing\.json, which does not exist/);
  });
});

describe('GroupSettings: a group per request reuses its resolution only while it holds', () => {
  const saved = { driver: process.env.ISOLANE_DRIVER, config: process.env.ISOLANE_CONFIG };
  afterEach(() => {
    for (const [name, value] of [
      ['ISOLANE_DRIVER', saved.driver],
      ['ISOLANE_CONFIG', saved.config],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('shares one driver between groups with the same options, each group with its own settings', () => {
    const a = settingsOf({ cwd: dir, driver: 'pool', timeout: 5, globals: ['db'] });
    const b = settingsOf({ cwd: dir, driver: 'pool', timeout: 5, globals: ['db'] });
    expect(b.driver).toBe(a.driver);
    expect([b.timeout, [...b.globals], b.driverName]).toEqual([5, ['db'], 'pool']);
    expect(created).toHaveLength(1);
    b.timeout = 9; // a JS config would change it for that group only
    expect(settingsOf({ cwd: dir, driver: 'pool', timeout: 5, globals: ['db'] }).timeout).toBe(5);
  });

  it('takes an edited config file after clearConfigCache()', () => {
    write('isolane.config.json', JSON.stringify({ timeout: 100, concurrency: 2 }));
    const before = settingsOf({ cwd: dir, driver: 'pool' });
    expect(settingsOf({ cwd: dir, driver: 'pool' }).driver).toBe(before.driver);
    write('isolane.config.json', JSON.stringify({ timeout: 200, concurrency: 3 }));
    clearConfigCache();
    const after = settingsOf({ cwd: dir, driver: 'pool' });
    expect(after.timeout).toBe(200);
    expect(after.driver).not.toBe(before.driver);
    expect(created.map((c) => c.settings.concurrency)).toEqual([2, 3]);
  });

  it('follows ISOLANE_DRIVER and ISOLANE_CONFIG as they change between groups', () => {
    write('a.json', JSON.stringify({ timeout: 11 }));
    write('b.json', JSON.stringify({ timeout: 22 }));
    const pick = () => settingsOf({ cwd: dir, concurrency: 1 });
    expect(pick().driverName).toBe('pool');
    process.env.ISOLANE_DRIVER = 'thread';
    expect(pick().driverName).toBe('thread');
    delete process.env.ISOLANE_DRIVER;
    expect(pick().driverName).toBe('pool');
    process.env.ISOLANE_CONFIG = 'a.json';
    expect(pick().timeout).toBe(11);
    process.env.ISOLANE_CONFIG = 'b.json';
    expect(pick().timeout).toBe(22);
    process.env.ISOLANE_CONFIG = 'off';
    expect(pick().timeout).toBe(0);
  });

  it('follows the working directory: another directory’s config applies there', () => {
    const other = mkdtempSync(join(tmpdir(), 'isolane-settings-other-'));
    try {
      writeFileSync(join(other, 'isolane.config.json'), JSON.stringify({ driver: 'thread', timeout: 33 }));
      const here = settingsOf({ cwd: dir, concurrency: 1 });
      const there = settingsOf({ cwd: other, concurrency: 1 });
      expect([here.driverName, here.timeout]).toEqual(['pool', 0]);
      expect([there.driverName, there.timeout]).toEqual(['thread', 33]);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('makes a new driver once the shared one was closed or forgotten', async () => {
    const first = settingsOf({ cwd: dir, driver: 'pool' }).driver as Driver;
    await closeSharedDrivers();
    const second = settingsOf({ cwd: dir, driver: 'pool' }).driver as Driver;
    expect(second).not.toBe(first);
    unshareDriver(second);
    const third = settingsOf({ cwd: dir, driver: 'pool' }).driver;
    expect(third).not.toBe(second);
    expect(created).toHaveLength(3);
  });

  it('tells driver options apart by value, whatever text they hold', () => {
    const by = (driverOptions: Record<string, unknown>) =>
      settingsOf({ cwd: dir, driver: 'pool', driverOptions }).driver;
    const plain = by({ a: '1|b', n: 1 });
    expect(by({ a: '1|b', n: 1 })).toBe(plain);
    expect(by({ a: '1', b: 'n' })).not.toBe(plain);
    expect(by({ a: '1|b', n: '1' })).not.toBe(plain);
    const onOutput = () => {};
    const withFn = by({ onOutput });
    expect(by({ onOutput })).toBe(withFn);
    expect(by({ onOutput: () => {} })).not.toBe(withFn);
    expect(created.map((c) => c.settings.options)).toEqual([
      { a: '1|b', n: 1 },
      { a: '1', b: 'n' },
      { a: '1|b', n: '1' },
      { onOutput },
      { onOutput: expect.any(Function) },
    ]);
  });
});
