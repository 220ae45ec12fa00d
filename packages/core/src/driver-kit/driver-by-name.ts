/**
 * Drivers by name, for tools built on isolane (the bench, the reliability scripts, apps): the list of
 * shipped driver names, the precedence that picks one (explicit choice > `ISOLANE_DRIVER` > the
 * config file's `driver` > the default), and loading a driver package by name — the same rules
 * `WaitGroup` applies, so a tool never re-implements them.
 */
import { type ConfigChoice, DEFAULT_DRIVER, DRIVER_ENV, loadConfig } from '../config.js';
import { checkDriverName, type DriverName, KNOWN_DRIVERS } from '../config-fields.js';
import type { Driver, DriverSettings } from '../driver.js';
import { type DriverLookup, loadDriverFactory } from '../driver-registry.js';

/** A shipped driver that runs in this process alone: every one but `queue` (Redis, worker processes). */
export type LocalDriverName = Exclude<DriverName, 'queue'>;

/**
 * The shipped drivers that need nothing outside this process, in `KNOWN_DRIVERS` order.
 *
 * @example
 * ```ts
 * LOCAL_DRIVERS; // ['pool', 'thread', 'fork', 'cooperative']
 * ```
 */
export const LOCAL_DRIVERS: readonly LocalDriverName[] = KNOWN_DRIVERS.filter(
  (name): name is LocalDriverName => name !== 'queue',
);

/**
 * True for the name of a shipped driver.
 *
 * @example
 * ```ts
 * isDriverName('thread'); // true
 * isDriverName('thred');  // false
 * ```
 */
export function isDriverName(value: unknown): value is DriverName {
  return typeof value === 'string' && (KNOWN_DRIVERS as readonly string[]).includes(value);
}

/** What {@link resolveDriverName} looks at. */
export interface DriverChoice {
  /** The driver the caller named (an option or a `--driver` flag); wins over everything else. */
  readonly explicit?: string | undefined;
  /** How the explicit choice is named in an error (default `options.driver`). */
  readonly label?: string | undefined;
  /** Where the config file is looked for (default: the working directory). */
  readonly cwd?: string | undefined;
  /** Which config file applies (as the `config` option of a `WaitGroup`). */
  readonly config?: ConfigChoice;
  /** The environment to read `ISOLANE_DRIVER` from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

/**
 * The driver a `WaitGroup` would pick: `explicit` > `ISOLANE_DRIVER` > the config file's `driver` >
 * `DEFAULT_DRIVER` ('pool'). A name that is not a shipped driver is a `TypeError` naming where it came
 * from. Synchronous unless a JS/TS config file has to be imported (then a promise).
 *
 * @example
 * ```ts
 * const name = await resolveDriverName({ explicit: flags.driver, label: '--driver' });
 * ```
 */
export function resolveDriverName(choice: DriverChoice = {}): DriverName | Promise<DriverName> {
  if (choice.explicit !== undefined && choice.explicit !== '') {
    return checkDriverName(choice.explicit, choice.label ?? 'options.driver');
  }
  const env = (choice.env ?? process.env)[DRIVER_ENV];
  if (env !== undefined && env !== '') return checkDriverName(env, `environment variable ${DRIVER_ENV}`);
  const loaded = loadConfig(choice.cwd, choice.config);
  if (loaded instanceof Promise) return loaded.then((l) => l?.config.driver ?? DEFAULT_DRIVER);
  return loaded?.config.driver ?? DEFAULT_DRIVER;
}

/**
 * A private driver instance of a shipped model, created by its package's own `createDriver` as
 * `new WaitGroup({ driver: name })` would (the caller closes it).
 *
 * @example
 * ```ts
 * const driver = await createDriverByName('thread', { concurrency: 2 }, { from: import.meta.url });
 * await driver.close();
 * ```
 */
export async function createDriverByName(
  name: DriverName,
  settings: DriverSettings,
  lookup: DriverLookup = {},
): Promise<Driver> {
  const factory = await loadDriverFactory(name, lookup);
  return factory(settings);
}
