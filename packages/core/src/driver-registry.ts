/**
 * Process-wide drivers: every group that names the same driver and settings shares one driver (like a
 * global worker pool), so a per-request group costs a round trip, not a pool start. Driver packages are
 * resolved lazily from the application (they are not dependencies of core), so an app that only uses
 * `cooperative` never loads the packages of the others.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DriverName } from './config.js';
import type { Driver, DriverFactory, DriverSettings } from './driver.js';

const STATE_KEY = Symbol.for('isolane.driverRegistry');

/** The umbrella package: core and every driver in one install. */
const UMBRELLA = 'isolane';

interface RegistryState {
  readonly shared: Map<string, Driver>;
  readonly factories: Map<string, DriverFactory>;
  readonly loading: Map<string, Promise<DriverFactory>>;
  readonly modules: Map<string, Promise<Readonly<Record<string, unknown>>>>;
}

function state(): RegistryState {
  const holder = globalThis as unknown as Record<symbol, RegistryState | undefined>;
  let s = holder[STATE_KEY];
  if (!s?.modules) {
    s = { shared: new Map(), factories: new Map(), loading: new Map(), ...s, modules: new Map() };
    holder[STATE_KEY] = s;
  }
  return s;
}

/**
 * The package that implements a driver.
 *
 * @example
 * ```ts
 * driverPackage('thread'); // '@isolane/thread'
 * ```
 */
export function driverPackage(name: DriverName): string {
  return `@isolane/${name}`;
}

/**
 * Registers the factory core uses for a driver name, in place of loading the driver package by name.
 * Driver packages do not call it: on a name's first use core imports the package
 * (`@isolane/<name>`, see {@link resolveDriverPackage}) and takes its `createDriver` export. Register
 * a factory when that lookup cannot work or should not run — a bundled app whose driver packages are
 * not resolvable at run time, or a stand-in driver in tests. It applies to drivers created after the
 * call (shared drivers already created keep theirs).
 *
 * @example
 * ```ts
 * registerDriver('pool', (settings) => new PoolDriver(settings));
 * ```
 */
export function registerDriver(name: DriverName, factory: DriverFactory): void {
  state().factories.set(name, factory);
}

/**
 * Puts `factory` in place of a name's registered factory (`undefined` removes it) and returns the one
 * it replaces, so a test can route a name to its own factory and put things back afterwards.
 *
 * @internal
 * @example
 * ```ts
 * const previous = swapDriverFactory('pool', myFactory);
 * try { … } finally { swapDriverFactory('pool', previous); }
 * ```
 */
export function swapDriverFactory(
  name: DriverName,
  factory: DriverFactory | undefined,
): DriverFactory | undefined {
  const s = state();
  const previous = s.factories.get(name);
  if (factory) s.factories.set(name, factory);
  else s.factories.delete(name);
  return previous;
}

/**
 * Forgets a shared driver (without closing it): later groups with its name and settings get a new one.
 *
 * @internal
 * @example
 * ```ts
 * unshareDriver(driver);
 * ```
 */
export function unshareDriver(driver: Driver): void {
  const s = state();
  for (const [key, shared] of s.shared) if (shared === driver) s.shared.delete(key);
}

/**
 * Resolves a driver package from the application: first from core itself, then from the working
 * directory and the main script's directory, then through the umbrella package `isolane` found from
 * any of those (it depends on every driver, so `npm i isolane` alone is enough even under pnpm's
 * strict layout). Throws an Error saying which package to install.
 *
 * @example
 * ```ts
 * resolveDriverPackage('@isolane/thread'); // 'file:///app/node_modules/@isolane/thread/dist/index.js'
 * ```
 */
export function resolveDriverPackage(pkg: string, bases: readonly string[] = defaultBases()): string {
  for (const base of bases) {
    try {
      return pathToFileURL(createRequire(base).resolve(pkg)).href;
    } catch {
      // try the next base
    }
  }
  for (const base of bases) {
    try {
      const umbrella = createRequire(base).resolve(`${UMBRELLA}/package.json`);
      return pathToFileURL(createRequire(umbrella).resolve(pkg)).href;
    } catch {
      // no umbrella package there, or it lacks this driver
    }
  }
  const err = new Error(
    `the driver package ${pkg} cannot be found from ${process.cwd()}: install it (pnpm add ${pkg}, or npm i ${pkg}; npm i ${UMBRELLA} installs every driver)`,
  );
  err.name = 'DriverNotInstalledError';
  throw err;
}

function defaultBases(): string[] {
  const bases = [import.meta.url, pathToFileURL(join(process.cwd(), 'noop.js')).href];
  const main = process.argv[1];
  if (main) bases.push(pathToFileURL(main).href);
  return bases;
}

/** Where to look for a driver package first (see {@link loadDriverFactory}). */
export interface DriverLookup {
  /**
   * A module URL or file path to resolve the driver package from before core's own places (the
   * caller's `import.meta.url`: a tool that depends on the driver packages finds its own copies).
   */
  readonly from?: string | URL | undefined;
}

/**
 * A driver package's module, loaded by name (its `createDriver` and its classes). Rejects, or throws
 * synchronously when the package cannot be found, with an Error saying which package to install.
 *
 * @example
 * ```ts
 * const { PoolDriver } = await loadDriverModule('pool', { from: import.meta.url });
 * ```
 */
export function loadDriverModule(
  name: DriverName,
  lookup: DriverLookup = {},
): Promise<Readonly<Record<string, unknown>>> {
  const s = state();
  let loading = s.modules.get(name);
  if (!loading) {
    const url = resolveDriverPackage(driverPackage(name), basesFor(lookup));
    loading = import(url) as Promise<Readonly<Record<string, unknown>>>;
    loading.catch(() => s.modules.delete(name));
    s.modules.set(name, loading);
  }
  return loading;
}

/**
 * The factory of a driver if it is already loaded, else a promise that loads it (see
 * {@link loadDriverModule}). Throws synchronously when the driver's package is not installed.
 *
 * @example
 * ```ts
 * const factory = await loadDriverFactory('cooperative');
 * const driver = factory({ concurrency: 4 });
 * ```
 */
export function loadDriverFactory(
  name: DriverName,
  lookup: DriverLookup = {},
): DriverFactory | Promise<DriverFactory> {
  const s = state();
  const known = s.factories.get(name);
  if (known) return known;
  let loading = s.loading.get(name);
  if (!loading) {
    loading = loadDriverModule(name, lookup).then((mod) => {
      if (typeof mod.createDriver !== 'function') {
        throw new TypeError(`${driverPackage(name)} does not export createDriver(settings)`);
      }
      const factory = mod.createDriver as DriverFactory;
      s.factories.set(name, factory);
      return factory;
    });
    loading.catch(() => s.loading.delete(name));
    s.loading.set(name, loading);
  }
  return loading;
}

function basesFor(lookup: DriverLookup): string[] {
  const bases = defaultBases();
  if (lookup.from === undefined) return bases;
  const from = lookup.from instanceof URL ? lookup.from.href : lookup.from;
  return [from.startsWith('file:') ? from : pathToFileURL(from).href, ...bases];
}

const identities = new WeakMap<object, number>();
let nextIdentity = 1;

/**
 * Stable key for a driver name + settings. Functions and other non-JSON values (an `onOutput`
 * callback, say) count by identity, so groups with different callbacks never share a driver. Settings
 * without driver options (the common case, built per group) take a template string instead of JSON: it
 * starts with a character JSON text never starts with, so the two kinds of key never meet.
 *
 * @internal
 * @example
 * ```ts
 * sharedDriverKey('pool', { concurrency: 4 }); // '#pool|4|…'
 * ```
 */
export function sharedDriverKey(name: string, settings: DriverSettings): string {
  if (settings.options === undefined) {
    // Every field but the bootstrap is a number or absent; the bootstrap (any text) goes last.
    return `#${name}|${settings.concurrency}|${settings.memoryLimitMb}|${settings.maxResultMb}|${settings.bootstrapTimeout}|${settings.bootstrap === undefined ? '-' : `=${settings.bootstrap}`}`;
  }
  return JSON.stringify(
    [
      name,
      settings.concurrency,
      settings.bootstrap ?? null,
      settings.memoryLimitMb ?? null,
      settings.maxResultMb ?? null,
      // As text: JSON would make Infinity (no deadline) the same key as null (the default).
      settings.bootstrapTimeout === undefined ? null : String(settings.bootstrapTimeout),
      settings.options ? sortKeys(settings.options) : null,
    ],
    (_key, value: unknown) => {
      if (typeof value === 'function' || typeof value === 'symbol') {
        if (typeof value === 'symbol') return `symbol:${String(value)}`;
        let id = identities.get(value);
        if (!id) {
          id = nextIdentity++;
          identities.set(value, id);
        }
        return `function#${id}`;
      }
      if (typeof value === 'bigint') return `${value}n`;
      return value;
    },
  );
}

function sortKeys(obj: Readonly<Record<string, unknown>>): unknown {
  return Object.keys(obj)
    .sort()
    .map((k) => [k, obj[k]]);
}

/**
 * The process-wide driver for a name and settings, created on first use. `key` is their
 * {@link sharedDriverKey}, for a caller that has it already.
 *
 * @example
 * ```ts
 * const driver = await sharedDriver('pool', { concurrency: 4 });
 * ```
 */
export function sharedDriver(
  name: DriverName,
  settings: DriverSettings,
  key: string = sharedDriverKey(name, settings),
): Driver | Promise<Driver> {
  const s = state();
  const existing = s.shared.get(key);
  if (existing) return existing;
  const factory = loadDriverFactory(name);
  const create = (f: DriverFactory): Driver => {
    const again = s.shared.get(key);
    if (again) return again;
    const driver = f(settings);
    s.shared.set(key, driver);
    return driver;
  };
  return typeof factory === 'function' ? create(factory) : factory.then(create);
}

/**
 * Whether `driver` is still the shared driver for `key` (not closed by `closeSharedDrivers()`, nor
 * forgotten by `unshareDriver()`).
 *
 * @internal
 * @example
 * ```ts
 * if (isSharedDriver(key, driver)) return driver; // a group per request reuses its resolution
 * ```
 */
export function isSharedDriver(key: string, driver: Driver): boolean {
  return state().shared.get(key) === driver;
}

/**
 * Recycles every shared driver of the process that can (see `Driver.recycle`): their warm workers are
 * replaced, so the next tasks see the parent's `process.env` as it is now (after a rotated token, say).
 * Running tasks finish where they are.
 *
 * @example
 * ```ts
 * process.env.API_TOKEN = await rotateToken();
 * recycleSharedDrivers();
 * ```
 */
export function recycleSharedDrivers(): void {
  for (const driver of state().shared.values()) driver.recycle?.();
}

/**
 * Closes every shared driver of the process (their workers and child processes exit). `shutdown()`
 * also aborts the groups still running.
 *
 * @example
 * ```ts
 * await closeSharedDrivers();
 * ```
 */
export async function closeSharedDrivers(): Promise<void> {
  const s = state();
  const drivers = [...s.shared.values()];
  s.shared.clear();
  await Promise.all(drivers.map((d) => d.close()));
}
