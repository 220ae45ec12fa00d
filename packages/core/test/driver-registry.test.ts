/**
 * Driver packages resolve from the application, and through the umbrella package `isolane` when the app
 * installed only that (pnpm's strict layout keeps the umbrella's dependencies out of the app's
 * node_modules).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveDriverPackage, sharedDriverKey } from '../src/driver-registry.js';

const app = mkdtempSync(join(tmpdir(), 'isolane-umbrella-'));
afterAll(() => rmSync(app, { recursive: true, force: true }));

function writePackage(dir: string, name: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name,
      version: '0.1.0',
      type: 'module',
      exports: { '.': './index.js', './package.json': './package.json' },
    }),
  );
  writeFileSync(join(dir, 'index.js'), 'export const createDriver = () => null;\n');
}

describe('resolveDriverPackage', () => {
  const base = pathToFileURL(join(app, 'noop.js')).href;

  it('finds a driver that only the umbrella package depends on (nested under it)', () => {
    const umbrella = join(app, 'node_modules', 'isolane');
    writePackage(umbrella, 'isolane');
    writePackage(join(umbrella, 'node_modules', '@isolane', 'only-in-umbrella'), '@isolane/only-in-umbrella');
    expect(resolveDriverPackage('@isolane/only-in-umbrella', [base])).toBe(
      pathToFileURL(join(umbrella, 'node_modules', '@isolane', 'only-in-umbrella', 'index.js')).href,
    );
  });

  it("prefers the app's own copy of a driver over the umbrella's", () => {
    writePackage(join(app, 'node_modules', '@isolane', 'both'), '@isolane/both');
    writePackage(join(app, 'node_modules', 'isolane', 'node_modules', '@isolane', 'both'), '@isolane/both');
    expect(resolveDriverPackage('@isolane/both', [base])).toBe(
      pathToFileURL(join(app, 'node_modules', '@isolane', 'both', 'index.js')).href,
    );
  });

  it('names the package, and the umbrella, when neither has it', () => {
    expect(() => resolveDriverPackage('@isolane/nowhere', [base])).toThrow(
      /the driver package @isolane\/nowhere cannot be found .*npm i @isolane\/nowhere; npm i isolane installs every driver/,
    );
  });
});

describe('swapDriverFactory and unshareDriver', () => {
  it('routes a name to a factory, puts the previous one back, and forgets a shared driver', async () => {
    const { closeSharedDrivers, sharedDriver, swapDriverFactory, unshareDriver } = await import(
      '../src/driver-registry.js'
    );
    const made: { name: string; start(): { abort(): void }; close(): Promise<void> }[] = [];
    const factory = () => {
      const d = { name: 'fake', start: () => ({ abort() {} }), close: async () => {} };
      made.push(d);
      return d;
    };
    const previous = swapDriverFactory('thread', factory);
    try {
      const a = await sharedDriver('thread', { concurrency: 1 });
      expect(await sharedDriver('thread', { concurrency: 1 })).toBe(a);
      unshareDriver(a);
      const b = await sharedDriver('thread', { concurrency: 1 });
      expect(b).not.toBe(a);
      expect(made).toHaveLength(2);
    } finally {
      expect(swapDriverFactory('thread', previous)).toBe(factory);
      await closeSharedDrivers();
    }
  });
});

describe('sharedDriverKey', () => {
  it('tells apart settings that differ in any field, with or without driver options', () => {
    const base = { concurrency: 2 };
    const variants = [
      base,
      { concurrency: 3 },
      { ...base, memoryLimitMb: 64 },
      { ...base, maxResultMb: 64 },
      { ...base, bootstrapTimeout: 1000 },
      { ...base, bootstrapTimeout: Number.POSITIVE_INFINITY }, // no deadline is not the default
      { ...base, bootstrap: 'file:///a.js' },
      { ...base, bootstrap: 'file:///a.js|2' }, // any text in the bootstrap stays inside it
      { ...base, options: {} },
      { ...base, options: { runtime: 'process' } },
    ];
    const keys = variants.map((settings) => sharedDriverKey('pool', settings));
    expect(new Set(keys).size).toBe(variants.length);
    expect(sharedDriverKey('thread', base)).not.toBe(keys[0]);
    // The same settings give the same key, whatever the objects and the key order of the driver options.
    expect(sharedDriverKey('pool', { concurrency: 2 })).toBe(keys[0]);
    expect(sharedDriverKey('pool', { concurrency: 2, options: { b: 1, a: 2 } })).toBe(
      sharedDriverKey('pool', { concurrency: 2, options: { a: 2, b: 1 } }),
    );
  });
});
