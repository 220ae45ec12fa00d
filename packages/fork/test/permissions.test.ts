/**
 * The `permissions` option: children run under Node's permission model with the flag this Node
 * understands (`--experimental-permission` on Node 20, `--permission` from 22.13 / 23.5 — Node 24
 * rejects the old spelling), read only what their task needs, and a denied access fails the slot with
 * `code: 'ERR_ACCESS_DENIED'`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WaitGroup } from '@isolane/core';
import { ForkDriver, permissionFlag } from '@isolane/fork';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPermissions, permissionFlags } from '../src/permissions.js';
import { failureOf, fixture, startTask, valueIn } from './helpers.js';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
/** What this Node calls the switch, decided here independently of the code under test. */
const expectedFlag =
  major > 23 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13)
    ? '--permission'
    : '--experimental-permission';

// Built from source text: Vitest rewrites `import()` in this file, which would make it a capture.
const readInline = new Function(
  "return async (path) => (await import('node:fs')).readFileSync(path, 'utf8')",
)() as (path: string) => Promise<string>;

let dir: string;
let secretFile: string;
const drivers: ForkDriver[] = [];
const driver = (options: ConstructorParameters<typeof ForkDriver>[0]) => {
  const d = new ForkDriver({ concurrency: 2, stdio: 'ignore', ...options });
  drivers.push(d);
  return d;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'isolane-perm-'));
  secretFile = join(dir, 'secret.txt');
  writeFileSync(secretFile, 'top secret');
});
afterAll(async () => {
  await Promise.all(drivers.map((d) => d.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('permissionFlag(version)', () => {
  it.each([
    ['20.11.0', '--experimental-permission'],
    ['20.20.2', '--experimental-permission'],
    ['22.12.0', '--experimental-permission'],
    ['22.13.0', '--permission'],
    ['23.4.0', '--experimental-permission'],
    ['23.5.0', '--permission'],
    ['24.0.0', '--permission'],
    ['25.1.0', '--permission'],
    ['18.19.0', undefined],
  ])('Node %s: %s', (version, flag) => {
    expect(permissionFlag(version)).toBe(flag);
  });

  it(`this Node (${process.version}) gets ${expectedFlag}`, () => {
    expect(permissionFlag()).toBe(expectedFlag);
  });
});

describe('permissionFlags', () => {
  it('the switch for the Node version, one --allow-fs-read per path, the allow flags asked for', () => {
    const all = checkPermissions(
      {
        fsRead: ['/data/'],
        fsWrite: ['/out/', 'file:///log.txt'],
        childProcess: true,
        worker: true,
        addons: true,
      },
      'p',
    );
    expect(permissionFlags(all!, ['/app/node_modules/', '/data/'], '20.20.0')).toEqual([
      '--experimental-permission',
      '--allow-fs-read=/app/node_modules/',
      '--allow-fs-read=/data/',
      '--allow-fs-write=/out/',
      '--allow-fs-write=/log.txt',
      '--allow-child-process',
      '--allow-worker',
      '--allow-addons',
    ]);
    const least = checkPermissions(true, 'p')!;
    expect(permissionFlags(least, ['/app/x.js'], '24.0.0')).toEqual([
      '--permission',
      '--allow-fs-read=/app/x.js',
    ]);
    expect(permissionFlags({ ...least, fsRead: '*', fsWrite: '*' }, ['/x'], '22.13.0')).toEqual([
      '--permission',
      '--allow-fs-read=*',
      '--allow-fs-write=*',
    ]);
    expect(() => permissionFlags(least, [], '18.20.0')).toThrow(/need Node >= 20/);
    expect(checkPermissions(false, 'p')).toBeUndefined();
    expect(checkPermissions(undefined, 'p')).toBeUndefined();
  });
});

describe('fork permissions: least privilege when asked', () => {
  it('off by default: a child reads anything the parent can', async () => {
    const d = driver({});
    expect(await valueIn(startTask(d, 'guarded.js', 'readText', [secretFile]))).toBe('top secret');
    expect(await valueIn(startTask(d, 'guarded.js', 'mayRead', [secretFile]))).toBeNull();
  });

  it('true: the task runs, but reading a file outside what it needs fails with ERR_ACCESS_DENIED', async () => {
    const d = driver({ permissions: true });
    expect(await valueIn(startTask(d, 'basic.js', 'add', [2, 3]))).toBe(5);
    expect(await valueIn(startTask(d, 'guarded.js', 'mayRead', [secretFile]))).toBe(false);
    const modulePath = fileURLToPath(fixture('guarded.js'));
    expect(await valueIn(startTask(d, 'guarded.js', 'mayRead', [modulePath]))).toBe(true);
    const f = await failureOf(startTask(d, 'guarded.js', 'readText', [secretFile]));
    expect(f).toMatchObject({ kind: 'threw', code: 'ERR_ACCESS_DENIED' });
    expect(JSON.parse(JSON.stringify(f)).code).toBe('ERR_ACCESS_DENIED');
  });

  it("env hides the parent's variables from process.env, not from /proc; permissions deny that read too", async () => {
    const parentEnviron = `/proc/${process.pid}/environ`;
    const hidden = driver({ env: [] });
    expect(await valueIn(startTask(hidden, 'basic.js', 'echo', ['x']))).toBe('x');
    const leaked = (await valueIn(startTask(hidden, 'guarded.js', 'readText', [parentEnviron]))) as string;
    expect(leaked.length).toBeGreaterThan(0);
    const guarded = driver({ env: [], permissions: true });
    const f = await failureOf(startTask(guarded, 'guarded.js', 'readText', [parentEnviron]));
    expect(f.code).toBe('ERR_ACCESS_DENIED');
  });

  it('true: no writes, no child processes, no workers', async () => {
    const d = driver({ permissions: true });
    const out = join(dir, 'out.txt');
    for (const [name, args] of [
      ['writeText', [out, 'x']],
      ['spawnNode', []],
      ['startWorker', []],
    ] as const) {
      const f = await failureOf(startTask(d, 'guarded.js', name, [...args]));
      expect(f.code, `${name}: ${f.message}`).toBe('ERR_ACCESS_DENIED');
    }
    expect(() => readFileSync(out)).toThrow(/ENOENT/);
  });

  it('an object grants what it names: fsRead, fsWrite, childProcess, worker', async () => {
    const d = driver({
      permissions: { fsRead: [`${dir}/`], fsWrite: [`${dir}/`], childProcess: true, worker: true },
    });
    const out = join(dir, 'granted.txt');
    expect(await valueIn(startTask(d, 'guarded.js', 'readText', [secretFile]))).toBe('top secret');
    expect(await valueIn(startTask(d, 'guarded.js', 'writeText', [out, 'ok']))).toBe('written');
    expect(readFileSync(out, 'utf8')).toBe('ok');
    expect(await valueIn(startTask(d, 'guarded.js', 'spawnNode', []))).toBe(process.version);
    expect(await valueIn(startTask(d, 'guarded.js', 'startWorker', []))).toBe('worker ran');
  });

  it('inline tasks are held to the same limits', async () => {
    const wg = new WaitGroup({ driver: driver({ permissions: true }), timeout: 30_000 });
    wg.go(readInline, secretFile);
    wg.go((a: number) => a * 2, 21);
    const [denied, ok] = await wg.wait();
    expect(denied).toMatchObject({ ok: false, error: { code: 'ERR_ACCESS_DENIED' } });
    expect(ok).toMatchObject({ ok: true, value: 42 });
    await wg.close();
  });

  it('a prespawned child that may not read a task module is not used for it: a fresh child runs it', async () => {
    const d = driver({ permissions: true, prespawn: 1, concurrency: 1 });
    expect(await valueIn(startTask(d, 'basic.js', 'add', [1, 1]))).toBe(2);
    expect(await valueIn(startTask(d, 'guarded-other.js', 'hello', ['you']))).toBe('hello you');
  });

  it('through a config file: drivers.fork.permissions', async () => {
    const file = join(dir, 'isolane.config.json');
    writeFileSync(file, JSON.stringify({ driver: 'fork', drivers: { fork: { permissions: true } } }));
    const wg = new WaitGroup({ config: file, concurrency: 1, timeout: 30_000 });
    wg.go(readInline, secretFile);
    const [r] = await wg.wait();
    expect(r).toMatchObject({ ok: false, error: { code: 'ERR_ACCESS_DENIED' } });
    await wg.close();
  });

  it('children guarded by the watchdog thread (no setpriv) get the worker they need', async () => {
    const script = [
      `import { ForkDriver } from '@isolane/fork';`,
      `const { mayRead } = await import(${JSON.stringify(fixture('guarded.js'))});`,
      `import { WaitGroup } from '@isolane/core';`,
      `const driver = new ForkDriver({ concurrency: 1, permissions: true, stdio: 'ignore' });`,
      'const wg = new WaitGroup({ driver, timeout: 30_000 });',
      `wg.go(mayRead, ${JSON.stringify(secretFile)});`,
      'console.log(JSON.stringify(await wg.wait()));',
      'await driver.close();',
    ].join('\n');
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const out = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--input-type=module', '-e', script],
        { cwd, timeout: 60_000, env: { ...process.env, ISOLANE_FORK_PDEATHSIG: '0' } },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
      );
    });
    expect(JSON.parse(out.trim().split('\n').pop() ?? '[]')).toMatchObject([{ ok: true, value: false }]);
  });
});

describe('fork permissions: TypeScript task modules through tsx', () => {
  it('without worker, a warning and ERR_ACCESS_DENIED; with worker (and childProcess) the .ts task runs', async () => {
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const out = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(fixture('ts-permissions-parent.ts'))],
        { cwd, timeout: 90_000, env: { ...process.env, TSX_DISABLE_CACHE: '1' } },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
      );
    });
    expect(out).toContain('WARNED');
    const line = out.split('\n').find((l) => l.startsWith('RESULT ')) ?? 'RESULT null';
    // Node 20 runs tsx's hooks in a worker at the child's start (the child dies: kind 'bootstrap');
    // on newer Node (24 here) tsx hooks in-thread and its esbuild worker is denied inside the task ('threw').
    const { denied, granted } = JSON.parse(line.slice('RESULT '.length));
    expect(denied).toMatchObject({
      code: 'ERR_ACCESS_DENIED',
      kind: expect.stringMatching(/^(bootstrap|threw)$/),
    });
    expect(granted).toBe(5);
  });
});

describe('fork permissions: bad input names the option', () => {
  it.each([
    ['yes', TypeError, /options\.permissions must be true, false or an object/],
    [
      { fsRead: 'everything' },
      TypeError,
      /options\.permissions\.fsRead must be an array of absolute paths or '\*'/,
    ],
    [{ fsRead: ['relative/dir'] }, TypeError, /options\.permissions\.fsRead\[0\] must be an absolute path/],
    [
      { fsWrite: ['/a,/b'] },
      TypeError,
      /options\.permissions\.fsWrite\[0\] must be an absolute path \(or file: URL\) without a comma/,
    ],
    [{ childProcess: 'yes' }, TypeError, /options\.permissions\.childProcess must be a boolean/],
    [{ network: true }, TypeError, /unknown option options\.permissions\.network/],
  ])('rejects permissions: %j', (permissions, type, message) => {
    expect(() => new ForkDriver({ permissions: permissions as never })).toThrow(type);
    expect(() => new ForkDriver({ permissions: permissions as never })).toThrow(message);
  });
});
