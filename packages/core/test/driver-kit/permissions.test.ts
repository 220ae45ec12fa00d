/**
 * The permissions helpers fork and the process pool share: the option checker, the flag builder per
 * Node version, what a process must read, and matching a task to a process that may read its module.
 */
import { mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ChildGrants } from '../../src/driver-kit/child-grants.js';
import { baseReads, isReadable, moduleReads } from '../../src/driver-kit/permission-reads.js';
import { checkPermissions, permissionFlag, permissionFlags } from '../../src/driver-kit/permissions.js';

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'isolane-kit-perm-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('checkPermissions', () => {
  it('false/undefined is off, true is least privilege, an object grants what it names', () => {
    expect(checkPermissions(undefined, 'p')).toBeUndefined();
    expect(checkPermissions(false, 'p')).toBeUndefined();
    expect(checkPermissions(true, 'p')).toEqual({
      fsRead: [],
      fsWrite: [],
      childProcess: false,
      worker: false,
      addons: false,
      net: false,
    });
    expect(checkPermissions({ fsRead: ['file:///data/'], worker: true }, 'p')).toMatchObject({
      fsRead: ['/data/'],
      worker: true,
    });
  });
  it('bad input names the option', () => {
    expect(() => checkPermissions('yes', 'options.permissions')).toThrow(
      /options\.permissions must be true, false or an object/,
    );
    expect(() => checkPermissions({ fsWrite: ['rel'] }, 'x.permissions')).toThrow(
      /x\.permissions\.fsWrite\[0\] must be an absolute path/,
    );
  });
});

describe('permissionFlag / permissionFlags (fake Node versions)', () => {
  it.each([
    ['20.11.0', '--experimental-permission'],
    ['22.12.0', '--experimental-permission'],
    ['22.13.0', '--permission'],
    ['23.4.0', '--experimental-permission'],
    ['23.5.0', '--permission'],
    ['24.0.0', '--permission'],
    ['18.19.0', undefined],
  ])('Node %s: %s', (version, flag) => {
    expect(permissionFlag(version)).toBe(flag);
    const p = checkPermissions({ fsRead: '*', childProcess: true }, 'p')!;
    if (flag === undefined) expect(() => permissionFlags(p, [], version)).toThrow(RangeError);
    else
      expect(permissionFlags(p, ['/ignored/'], version)).toEqual([
        flag,
        '--allow-fs-read=*',
        '--allow-child-process',
      ]);
  });
});

describe('what a process reads', () => {
  it('baseReads: the entry package, core, and node_modules by own and real path', () => {
    const entry = join(dir, 'entry') + sep;
    const reads = baseReads(entry, dir);
    expect(reads[0]).toBe(entry);
    const coreRoot = fileURLToPath(new URL('../../', import.meta.url));
    expect(reads).toContain(coreRoot);
    expect(reads.some((r) => r.endsWith(`node_modules${sep}`))).toBe(true);
  });
  it('moduleReads: the file itself (and its real path); isReadable: files exactly, folders by prefix', () => {
    const real = join(dir, 'tasks.js');
    writeFileSync(real, 'export const a = 1;\n');
    const link = join(dir, 'link.js');
    symlinkSync(real, link);
    expect(moduleReads(pathToFileURL(link).href).slice(0, 2)).toEqual([link, real]);
    expect(moduleReads('data:text/javascript,1')).toEqual([]);
    expect(isReadable(real, [real])).toBe(true);
    expect(isReadable(`${real}x`, [real])).toBe(false);
    expect(isReadable(real, [dir + sep])).toBe(true);
    expect(isReadable(real, [dir])).toBe(false); // a folder grants its tree only with the separator
    expect(isReadable('/anything', '*')).toBe(true);
  });
});

describe('ChildGrants', () => {
  const grants = new ChildGrants(checkPermissions(true, 'p')!, undefined, [], {
    driver: 'test',
    entryRoot: join(dir, 'entry') + sep,
  });
  const task = { kind: 'module', module: pathToFileURL(join(dir, 'tasks.js')).href, name: 'a' } as const;

  it('launch: the switch, reads of the base and the modules; a watchdog thread adds --allow-worker', () => {
    const { flags, reads } = grants.launch([task.module], true);
    expect(flags[0]).toBe(permissionFlag());
    expect(flags).toContain(`--allow-fs-read=${join(dir, 'tasks.js')}`);
    expect(flags.at(-1)).toBe('--allow-worker');
    expect(grants.launch([], false).flags).not.toContain('--allow-worker');
    expect(ChildGrants.canRun(reads, task)).toBe(true);
  });
  it('canRun / pick: only a process that may read the module; inline tasks anywhere', () => {
    const without = grants.launch([], false).reads;
    const withIt = grants.launch([task.module], false).reads;
    expect(ChildGrants.canRun(without, task)).toBe(false);
    expect(ChildGrants.canRun(without, { kind: 'inline', source: '() => 1' })).toBe(true);
    expect(ChildGrants.pick([{ reads: without }, { reads: withIt }], task)).toBe(1);
    expect(ChildGrants.pick([{ reads: without }], task)).toBe(-1);
    expect(ChildGrants.pick([], { kind: 'inline', source: '() => 1' })).toBe(-1);
  });
});
