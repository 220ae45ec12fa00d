import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clearConfigCache } from '../../src/config.js';
import {
  createDriverByName,
  isDriverName,
  LOCAL_DRIVERS,
  resolveDriverName,
} from '../../src/driver-kit/driver-by-name.js';
import { loadDriverFactory, loadDriverModule } from '../../src/driver-registry.js';

const root = mkdtempSync(join(tmpdir(), 'isolane-by-name-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function project(name: string, config?: unknown): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true }));
  if (config !== undefined) writeFileSync(join(dir, 'isolane.config.json'), JSON.stringify(config));
  return dir;
}

describe('driver names', () => {
  it('lists the local drivers (every shipped one but queue) and recognizes names', () => {
    expect(LOCAL_DRIVERS).toEqual(['pool', 'thread', 'fork', 'cooperative']);
    expect(isDriverName('queue')).toBe(true);
    expect(isDriverName('thred')).toBe(false);
    expect(isDriverName(3)).toBe(false);
  });
});

describe('resolveDriverName', () => {
  const withConfig = project('with-config', { driver: 'fork' });
  const bare = project('bare');

  it('explicit > ISOLANE_DRIVER > config file > default', async () => {
    clearConfigCache();
    const env = { ISOLANE_DRIVER: 'thread' };
    expect(await resolveDriverName({ explicit: 'cooperative', env, cwd: withConfig })).toBe('cooperative');
    expect(await resolveDriverName({ env, cwd: withConfig })).toBe('thread');
    expect(await resolveDriverName({ env: {}, cwd: withConfig })).toBe('fork');
    expect(await resolveDriverName({ env: {}, cwd: withConfig, config: false })).toBe('pool');
    expect(await resolveDriverName({ env: {}, cwd: bare })).toBe('pool');
  });

  it('names where a bad name came from (TypeError)', () => {
    expect(() => resolveDriverName({ explicit: 'pol', label: '--driver' })).toThrow(TypeError);
    expect(() => resolveDriverName({ explicit: 'pol', label: '--driver' })).toThrow(
      /--driver must be one of/,
    );
    expect(() => resolveDriverName({ env: { ISOLANE_DRIVER: 'x' } })).toThrow(
      /environment variable ISOLANE_DRIVER/,
    );
  });
});

describe('loading a driver by name', () => {
  const app = project('app');
  const pkg = join(app, 'node_modules', '@isolane', 'fork');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({ name: '@isolane/fork', type: 'module', exports: { '.': './index.js' } }),
  );
  writeFileSync(
    join(pkg, 'index.js'),
    `export class ForkDriver { constructor(s) { this.name = 'fake-fork'; this.settings = s; }
  start() { return { abort() {} }; } async close() {} }
export const createDriver = (s) => new ForkDriver(s);\n`,
  );

  it('resolves from the caller first, loads once, and creates through createDriver', async () => {
    const from = join(app, 'main.js');
    const mod = await loadDriverModule('fork', { from });
    expect(typeof mod.ForkDriver).toBe('function');
    const factory = await loadDriverFactory('fork', { from });
    expect(await loadDriverFactory('fork')).toBe(factory);
    const driver = (await createDriverByName('fork', { concurrency: 3 }, { from })) as unknown as {
      name: string;
      settings: unknown;
    };
    expect(driver.name).toBe('fake-fork');
    expect(driver.settings).toEqual({ concurrency: 3 });
  });
});
