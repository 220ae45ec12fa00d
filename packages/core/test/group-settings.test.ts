import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearConfigCache } from '../src/config.js';
import type { DriverSettings } from '../src/driver.js';
import { registerDriver } from '../src/driver-registry.js';
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
