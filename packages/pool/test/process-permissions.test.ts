/**
 * The process pool's `permissions` option: each worker process runs under Node's permission model
 * (core's driver-kit builds the flags, as for `fork`), a denied access fails only its slot with
 * `code: 'ERR_ACCESS_DENIED'` while the worker keeps serving, grants widen it, a worker that may not
 * read a new task module is replaced rather than given it, and threads refuse the option.
 */
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { moduleTaskSpec, type Result, shutdown, type TaskSpec, WaitGroup } from '@isolane/core';
import { checkPermissions, permissionFlags } from '@isolane/core/driver-kit';
import { childPids, eventually } from '@isolane/core/testing';
import { PoolDriver, type PoolDriverOptions } from '@isolane/pool';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as t from './fixtures/permission-tasks.js';

const drivers: PoolDriver[] = [];
function pool(options: PoolDriverOptions = {}): PoolDriver {
  const driver = new PoolDriver({ runtime: 'process', concurrency: 2, stdio: 'ignore', ...options });
  drivers.push(driver);
  return driver;
}

afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
  expect(await eventually(() => childPids().length === 0, 20_000), `left: ${childPids().join(', ')}`).toBe(
    true,
  );
});

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'isolane-pool-perm-')));
const secretFile = join(dir, 'secret.txt');
writeFileSync(secretFile, 'top secret');
// A task module outside the pool package (whose whole folder a worker may read): granted per module.
const otherModule = join(dir, 'other.mjs');
writeFileSync(otherModule, 'export const hello = (name) => "hello " + name + " from " + process.pid;\n');
const hello: TaskSpec = { kind: 'module', module: pathToFileURL(otherModule).href, name: 'hello' };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runSpec(driver: PoolDriver, spec: TaskSpec, args: unknown[]): Promise<Result<unknown>> {
  return new Promise<Result<unknown>>((settle) =>
    driver.start({ task: spec, args, timeout: 30_000 }, { settle, stray() {} }),
  );
}
function run(driver: PoolDriver, task: (...args: never[]) => unknown, args: unknown[]) {
  const spec = moduleTaskSpec(task);
  if (!spec) throw new Error('not a module task');
  return runSpec(driver, spec, args);
}
function value<T>(r: Result<unknown>): T {
  if (!r.ok) throw new Error(`expected a value, got ${r.error.kind}: ${r.error.message}`);
  return r.value as T;
}

describe('permissions: the flag per Node version (core driver-kit, shared with fork)', () => {
  const resolved = checkPermissions({ fsWrite: ['/out/'], worker: true }, 'options.permissions')!;
  it.each([
    ['20.11.0', '--experimental-permission'],
    ['22.12.0', '--experimental-permission'],
    ['22.13.0', '--permission'],
    ['23.5.0', '--permission'],
    ['24.11.1', '--permission'],
  ])('Node %s: %s, then the grants', (version, flag) => {
    expect(permissionFlags(resolved, ['/app/node_modules/'], version)).toEqual([
      flag,
      '--allow-fs-read=/app/node_modules/',
      '--allow-fs-write=/out/',
      '--allow-worker',
    ]);
  });
  it('a Node without the model is a RangeError', () => {
    expect(() => permissionFlags(resolved, [], '18.19.0')).toThrow(/permissions need Node >= 20/);
  });
});

describe('pool driver, process runtime: permissions', () => {
  it('off by default: a worker reads anything the parent can', async () => {
    const driver = pool();
    expect(value(await run(driver, t.readText, [secretFile]))).toBe('top secret');
    expect(value(await run(driver, t.mayRead, [secretFile]))).toBeNull();
  });

  for (const [name, task, args] of [
    ['an fs read', t.readText, () => [secretFile]],
    ['an fs write', t.writeText, () => [join(dir, 'out.txt'), 'x']],
    ['a child_process spawn', t.spawnNode, () => []],
    ['a worker thread', t.startWorker, () => []],
  ] as const) {
    it(`true: ${name} fails its slot with ERR_ACCESS_DENIED; the sibling succeeds, the worker keeps serving`, async () => {
      const driver = pool({ permissions: true });
      const warm = await Promise.all([run(driver, t.pidAfter, [100]), run(driver, t.pidAfter, [100])]);
      const sibling = run(driver, t.pidAfter, [300]);
      const denied = await run(driver, task as (...a: never[]) => unknown, [...args()]);
      expect(denied.ok).toBe(false);
      if (!denied.ok) {
        expect(denied.error, denied.error.message).toMatchObject({
          kind: 'threw',
          code: 'ERR_ACCESS_DENIED',
        });
      }
      const after = await Promise.all([1, 2, 3, 4].map(() => run(driver, t.pidAfter, [50])));
      // Every task ran, on the pool's two processes: a denied access is a thrown error, not a death
      // (a dead worker would have been replaced by a third process).
      const pids = new Set([...warm, await sibling, ...after].map((r) => value<number>(r)));
      expect(pids.size).toBeLessThanOrEqual(2);
      expect(driver.threads).toBe(2);
    });
  }
  it('nothing was written by the denied write', () => {
    expect(() => readFileSync(join(dir, 'out.txt'))).toThrow(/ENOENT/);
  });

  it('an object grants what it names: fsRead, fsWrite, childProcess, worker', async () => {
    const driver = pool({
      permissions: { fsRead: [`${dir}/`], fsWrite: [`${dir}/`], childProcess: true, worker: true },
    });
    const out = join(dir, 'granted.txt');
    expect(value(await run(driver, t.readText, [secretFile]))).toBe('top secret');
    expect(value(await run(driver, t.writeText, [out, 'ok']))).toBe('written');
    expect(readFileSync(out, 'utf8')).toBe('ok');
    expect(value(await run(driver, t.spawnNode, []))).toBe(process.version);
    expect(value(await run(driver, t.startWorker, []))).toBe('worker ran');
  });

  it('a worker that may not read a new task module is replaced, never given it; one that may is kept', async () => {
    const strict = pool({ permissions: true, concurrency: 1 });
    const before = value<number>(await run(strict, t.pidAfter, [0]));
    expect(value<boolean>(await run(strict, t.mayRead, [otherModule]))).toBe(false);
    const greeting = value<string>(await runSpec(strict, hello, ['you']));
    expect(greeting).toMatch(/^hello you from \d+$/);
    const ranOn = Number(greeting.split(' ').pop());
    expect(ranOn).not.toBe(before);
    // The replacement may read every module seen so far: the first one's tasks run there too.
    expect(value<number>(await run(strict, t.pidAfter, [0]))).toBe(ranOn);

    const folder = pool({ permissions: { fsRead: [`${dir}/`] }, concurrency: 1 });
    const first = value<number>(await run(folder, t.pidAfter, [0]));
    expect(value<string>(await runSpec(folder, hello, ['again']))).toBe(`hello again from ${first}`);
  });

  it('workers guarded by the watchdog thread (no setpriv) get the worker thread it needs', async () => {
    const saved = process.env.ISOLANE_FORK_PDEATHSIG;
    process.env.ISOLANE_FORK_PDEATHSIG = '0';
    try {
      const driver = pool({ permissions: true, concurrency: 1 });
      expect(value(await run(driver, t.mayRead, [secretFile]))).toBe(false);
      const denied = await run(driver, t.readText, [secretFile]);
      expect(denied).toMatchObject({ ok: false, error: { code: 'ERR_ACCESS_DENIED' } });
    } finally {
      if (saved === undefined) delete process.env.ISOLANE_FORK_PDEATHSIG;
      else process.env.ISOLANE_FORK_PDEATHSIG = saved;
    }
  });

  it('through driverOptions and a config file (drivers.pool.permissions)', async () => {
    const viaOptions = new WaitGroup({
      driver: 'pool',
      concurrency: 1,
      timeout: 30_000,
      driverOptions: { runtime: 'process', stdio: 'ignore', permissions: true },
    });
    viaOptions.go(t.readText, secretFile);
    viaOptions.go(t.pidAfter, 0);
    const [denied, ok] = await viaOptions.wait();
    expect(denied).toMatchObject({ ok: false, error: { code: 'ERR_ACCESS_DENIED' } });
    expect(ok).toMatchObject({ ok: true });
    await viaOptions.close();

    const file = join(dir, 'isolane.config.json');
    writeFileSync(
      file,
      JSON.stringify({
        driver: 'pool',
        drivers: { pool: { runtime: 'process', stdio: 'ignore', permissions: true } },
      }),
    );
    const viaConfig = new WaitGroup({ config: file, concurrency: 1, timeout: 30_000 });
    viaConfig.go(t.readText, secretFile);
    const [r] = await viaConfig.wait();
    expect(r).toMatchObject({ ok: false, error: { code: 'ERR_ACCESS_DENIED' } });
    await viaConfig.close();
    await shutdown(); // the groups' shared pool drivers
  });
});

describe('pool driver: permissions bad input names the option', () => {
  it("with runtime 'thread' (the default) it is an error: a thread cannot be restricted", () => {
    const message =
      /options\.permissions needs options\.runtime 'process'.*a worker thread cannot be restricted/;
    expect(() => new PoolDriver({ permissions: true })).toThrow(message);
    expect(() => new PoolDriver({ runtime: 'thread', permissions: { fsRead: ['/data/'] } })).toThrow(message);
    expect(
      () => new WaitGroup({ driver: 'pool', driverOptions: { permissions: true }, timeout: 1_000 }),
    ).toThrow(message);
    // false (off) is accepted anywhere.
    expect(() => new PoolDriver({ permissions: false, concurrency: 1 }).close()).not.toThrow();
  });

  it.each([
    ['yes', /options\.permissions must be true, false or an object/],
    [{ fsRead: ['relative/dir'] }, /options\.permissions\.fsRead\[0\] must be an absolute path/],
    [{ worker: 'yes' }, /options\.permissions\.worker must be a boolean/],
    [{ network: true }, /unknown option options\.permissions\.network/],
  ])("runtime 'process', permissions: %j is a TypeError naming it", (permissions, message) => {
    expect(() => new PoolDriver({ runtime: 'process', permissions: permissions as never })).toThrow(
      TypeError,
    );
    expect(() => new PoolDriver({ runtime: 'process', permissions: permissions as never })).toThrow(message);
  });
});
