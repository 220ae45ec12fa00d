/**
 * Configuration that cannot be planted, tried as an attacker would: configs and bootstraps placed
 * above the project root, in world-writable folders, or as a directory under a config's name; plus the
 * ways to turn discovery off or name the file.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearConfigCache, findConfigFile, findProjectRoot, loadConfig } from '../src/config.js';
import { untrustedReason } from '../src/config-discovery.js';
import type { DriverSettings } from '../src/driver.js';
import { registerDriver } from '../src/driver-registry.js';
import { shutdown } from '../src/shutdown.js';
import { WaitGroup } from '../src/wait-group.js';
import { InProcessDriver } from './fixtures/in-process-driver.js';

let base: string;
const created: { name: string; settings: DriverSettings }[] = [];
const warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'isolane-plant-'));
  clearConfigCache();
  created.length = 0;
  warnings.length = 0;
  process.on('warning', onWarning);
  for (const name of ['pool', 'thread', 'fork', 'cooperative'] as const) {
    registerDriver(name, (settings) => {
      created.push({ name, settings });
      return new InProcessDriver(settings);
    });
  }
});

afterEach(async () => {
  process.off('warning', onWarning);
  delete process.env.ISOLANE_CONFIG;
  rmSync(base, { recursive: true, force: true });
  await shutdown();
});

const write = (path: string, text: string) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
};
const json = (value: unknown) => JSON.stringify(value);
/** Warnings are emitted on the next tick: wait for the one expected, bounded. */
async function warningWith(code: string): Promise<Error & { code?: string }> {
  for (let i = 0; i < 100; i++) {
    const found = warnings.find((w) => (w as { code?: string }).code === code);
    if (found) return found;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`no warning with code ${code}; got ${warnings.map((w) => w.message).join(' | ')}`);
}
async function driverUsed(wg: WaitGroup): Promise<{ name: string; settings: DriverSettings }> {
  wg.go(() => 1);
  await wg.wait();
  const last = created.at(-1);
  if (!last) throw new Error('no driver was created');
  return last;
}

/** A planted config two folders above the app: a bootstrap that steals env, a 1 ms timeout. */
function plantAbove(dir: string): string {
  const marker = join(base, 'planted-ran');
  write(
    join(dir, 'planted.mjs'),
    `import { writeFileSync } from 'node:fs'; writeFileSync(${json(marker)}, 'x');`,
  );
  write(
    join(dir, 'isolane.config.json'),
    json({ driver: 'thread', timeout: 1, bootstrap: './planted.mjs', globals: ['stolen'] }),
  );
  return marker;
}

describe('discovery stops at the project root', () => {
  it('never reads a config planted two folders above an app that has a package.json', async () => {
    const marker = plantAbove(base);
    const app = join(base, 'shared', 'app');
    write(join(app, 'package.json'), json({ name: 'app' }));
    const cwd = join(app, 'src');
    mkdirSync(cwd);
    expect(findProjectRoot(cwd)).toBe(app);
    expect(findConfigFile(cwd)).toBeUndefined();
    const used = await driverUsed(new WaitGroup({ cwd }));
    expect(used).toEqual({ name: 'pool', settings: { concurrency: expect.any(Number) } });
    expect(existsSync(marker)).toBe(false);
  });

  it('(control) the same planted config does run its bootstrap when it is inside the project', async () => {
    const marker = plantAbove(base);
    write(join(base, 'package.json'), json({ name: 'whole' }));
    const cwd = join(base, 'shared', 'app');
    mkdirSync(cwd, { recursive: true });
    const used = await driverUsed(new WaitGroup({ cwd }));
    expect(used.name).toBe('thread');
    expect(used.settings.bootstrap).toBe(pathToFileURL(join(base, 'planted.mjs')).href);
    expect(existsSync(marker)).toBe(true);
  });

  it('stops at a VCS root when the package.json is above it', () => {
    plantAbove(base);
    write(join(base, 'package.json'), json({ name: 'outer' }));
    const repo = join(base, 'repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    expect(findProjectRoot(join(repo))).toBe(repo);
    expect(findConfigFile(repo)).toBeUndefined();
  });

  it('searches only the working directory when there is no project root at all', () => {
    plantAbove(base);
    const cwd = join(base, 'a', 'b');
    mkdirSync(cwd, { recursive: true });
    expect(findProjectRoot(cwd)).toBeUndefined();
    expect(findConfigFile(cwd)).toBeUndefined();
    write(join(cwd, 'isolane.config.json'), json({ driver: 'fork' }));
    expect(findConfigFile(cwd)).toBe(join(cwd, 'isolane.config.json'));
  });

  it('still finds a config at the project root from a subfolder', () => {
    write(join(base, 'package.json'), '{}');
    write(join(base, 'isolane.config.json'), json({ driver: 'fork' }));
    const cwd = join(base, 'src', 'jobs');
    mkdirSync(cwd, { recursive: true });
    expect(findConfigFile(cwd)).toBe(join(base, 'isolane.config.json'));
  });
});

describe('nothing is read from where others can write', () => {
  it.each([
    ['world-writable', 0o777],
    ['world-writable with the sticky bit (like /tmp)', 0o1777],
  ])('skips a config in a %s folder, with a warning saying why', async (_name, mode) => {
    const marker = plantAbove(base);
    chmodSync(base, mode);
    expect(statSync(base).mode & 0o7777).toBe(mode);
    expect(findConfigFile(base)).toBeUndefined();
    const used = await driverUsed(new WaitGroup({ cwd: base }));
    expect(used.name).toBe('pool');
    const warning = await warningWith('ISOLANE_CONFIG_UNSAFE');
    expect(warning.name).toBe('IsolaneWarning');
    expect(warning.message).toContain(join(base, 'isolane.config.json'));
    expect(warning.message).toMatch(/writable by every user/);
    expect(existsSync(marker)).toBe(false);
  });

  it('skips a world-writable config file in a safe folder', async () => {
    write(join(base, 'isolane.config.json'), json({ driver: 'fork' }));
    chmodSync(join(base, 'isolane.config.json'), 0o666);
    expect(findConfigFile(base)).toBeUndefined();
    expect((await warningWith('ISOLANE_CONFIG_UNSAFE')).message).toMatch(
      /the file is writable by every user/,
    );
  });

  it('names a folder or file owned by another user (as seen by another uid)', () => {
    const file = join(base, 'isolane.config.json');
    write(file, '{}');
    const owner = statSync(file).uid;
    const other = owner === 0 ? 4242 : owner + 1;
    // Root-owned files are trusted by every user (root can write anything anyway).
    const expected = owner === 0 ? undefined : /owned by another user/;
    const reason = untrustedReason(file, { uid: other });
    if (expected) expect(reason).toMatch(expected);
    else expect(reason).toBeUndefined();
    expect(untrustedReason(file, { uid: owner })).toBeUndefined();
  });

  it('does not load a bootstrap a config names from a world-writable folder', async () => {
    const shared = join(base, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const app = join(base, 'app');
    write(join(app, 'package.json'), '{}');
    write(join(app, 'isolane.config.json'), json({ bootstrap: join(shared, 'boot.mjs'), timeout: 500 }));
    const used = await driverUsed(new WaitGroup({ cwd: app }));
    expect(used.settings.bootstrap).toBeUndefined();
    expect((await warningWith('ISOLANE_CONFIG_UNSAFE')).message).toMatch(
      /the bootstrap .*shared.boot\.mjs was not loaded: its directory .* writable by every user/,
    );
  });
});

describe('a config path that is not a regular file', () => {
  it('skips a directory named isolane.config.json with a warning instead of EISDIR', async () => {
    write(join(base, 'package.json'), '{}');
    mkdirSync(join(base, 'isolane.config.json'));
    write(join(base, 'isolane.config.mjs'), 'export default { driver: "fork" };');
    expect(findConfigFile(base)).toBe(join(base, 'isolane.config.mjs'));
    const wg = new WaitGroup({ cwd: base });
    expect((await driverUsed(wg)).name).toBe('fork');
    const warning = await warningWith('ISOLANE_CONFIG_NOT_FILE');
    expect(warning.message).toMatch(/isolane\.config\.json was not read: it is a directory/);
  });
});

describe('bootstrap named by a config', () => {
  it('resolves relative to the config and may not leave the project root', () => {
    const app = join(base, 'app');
    write(join(app, 'package.json'), '{}');
    write(join(app, 'isolane.config.json'), json({ bootstrap: '../outside.mjs' }));
    expect(() => new WaitGroup({ cwd: app })).toThrow(
      /isolane\.config\.json: "bootstrap" "\.\.\/outside\.mjs" resolves to .*outside\.mjs, outside the project root .*app; name a module outside the project by absolute path/,
    );
  });

  it('may name a module outside the project by absolute path', async () => {
    const app = join(base, 'app');
    const boot = join(base, 'lib', 'boot.mjs');
    write(boot, 'globalThis.booted = 1;');
    write(join(app, 'package.json'), '{}');
    write(join(app, 'config', 'isolane.config.json'), json({ bootstrap: './boot.mjs' }));
    write(join(app, 'isolane.config.json'), json({ bootstrap: boot }));
    const used = await driverUsed(new WaitGroup({ cwd: app }));
    expect(used.settings.bootstrap).toBe(pathToFileURL(boot).href);
    // Relative to the config's own folder, not to the working directory.
    const nested = await loadConfig(app, './config/isolane.config.json');
    expect(nested?.config.bootstrap).toBe(pathToFileURL(join(app, 'config', 'boot.mjs')).href);
  });
});

describe('JSON with a UTF-8 byte order mark', () => {
  it('is accepted', async () => {
    write(join(base, 'isolane.config.json'), `\uFEFF${json({ driver: 'thread', concurrency: 2 })}`);
    const used = await driverUsed(new WaitGroup({ cwd: base }));
    expect(used).toEqual({ name: 'thread', settings: { concurrency: 2 } });
  });
});

describe('turning discovery off, naming the file', () => {
  beforeEach(() => {
    write(join(base, 'isolane.config.json'), json({ driver: 'thread' }));
  });

  it('config: false reads no file (not even a malformed one)', async () => {
    expect((await driverUsed(new WaitGroup({ cwd: base, config: false }))).name).toBe('pool');
    write(join(base, 'isolane.config.json'), '{ not json');
    clearConfigCache();
    expect(() => new WaitGroup({ cwd: base, config: false })).not.toThrow();
    expect(() => new WaitGroup({ cwd: base })).toThrow(/not valid JSON/);
  });

  it.each(['0', 'off', 'OFF', 'false', 'none'])('ISOLANE_CONFIG=%s turns discovery off', async (value) => {
    process.env.ISOLANE_CONFIG = value;
    expect((await driverUsed(new WaitGroup({ cwd: base }))).name).toBe('pool');
  });

  it('config: <path> names the file, relative to cwd or absolute, wherever it is', async () => {
    write(join(base, 'elsewhere', 'mine.json'), json({ driver: 'fork' }));
    const app = join(base, 'app');
    mkdirSync(app);
    expect((await driverUsed(new WaitGroup({ cwd: app, config: '../elsewhere/mine.json' }))).name).toBe(
      'fork',
    );
    const url = pathToFileURL(join(base, 'elsewhere', 'mine.json'));
    expect((await driverUsed(new WaitGroup({ cwd: app, config: url }))).name).toBe('fork');
  });

  it('ISOLANE_CONFIG=<path> names the file; the option wins over it', async () => {
    write(join(base, 'named.json'), json({ driver: 'fork' }));
    process.env.ISOLANE_CONFIG = join(base, 'named.json');
    expect((await driverUsed(new WaitGroup({ cwd: base }))).name).toBe('fork');
    expect((await driverUsed(new WaitGroup({ cwd: base, config: false }))).name).toBe('pool');
  });

  it('a missing named file is an error naming it', () => {
    expect(() => new WaitGroup({ cwd: base, config: 'nope.json' })).toThrow(
      new RegExp(`options\\.config names the config file ${join(base, 'nope.json')}, which does not exist`),
    );
    process.env.ISOLANE_CONFIG = '/no/such/isolane.config.json';
    expect(() => new WaitGroup({ cwd: base })).toThrow(
      /environment variable ISOLANE_CONFIG names the config file \/no\/such\/isolane\.config\.json, which does not exist/,
    );
  });

  it('a named file is read even when the options leave it nothing to set', () => {
    const driver = new InProcessDriver();
    expect(() => new WaitGroup({ driver, timeout: 1, globals: [], config: 'nope.json', cwd: base })).toThrow(
      /nope\.json, which does not exist/,
    );
  });

  it('rejects a named directory and a bad option value', () => {
    mkdirSync(join(base, 'dir.json'));
    expect(() => new WaitGroup({ cwd: base, config: 'dir.json' })).toThrow(/is not a regular file/);
    expect(() => new WaitGroup({ cwd: base, config: true as never })).toThrow(
      /options\.config must be false \(no config file\) or the path or file: URL of a config file/,
    );
    expect(() => new WaitGroup({ cwd: base, config: '' })).toThrow(/options\.config must be false/);
  });
});
