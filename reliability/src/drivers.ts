/**
 * The four local drivers, loaded by name by core's own loader, so every reliability check covers
 * each model with the same code. Loading is lazy (a dynamic import) so a check of one driver never
 * pays for the others. The `queue` driver is not among them: it needs a Redis server and worker
 * processes, and its own package's tests (conformance, faults, 10,000 tasks) cover it.
 */
import type { Driver, DriverSettings } from '@isolane/core';
import { createDriverByName, LOCAL_DRIVERS, type LocalDriverName } from '@isolane/core/driver-kit';

export type { LocalDriverName };

/** Every local driver (core's `LOCAL_DRIVERS`), in the order the checks report them. */
export const DRIVERS: readonly LocalDriverName[] = ['cooperative', 'pool', 'thread', 'fork'];

/** True for a local driver name. */
export function isDriverName(value: string): value is LocalDriverName {
  return (LOCAL_DRIVERS as readonly string[]).includes(value);
}

/**
 * Creates a private driver instance of a shipped model (the caller closes it).
 *
 * @example
 * ```ts
 * const driver = await createNamedDriver('thread', { concurrency: 2 });
 * await driver.close();
 * ```
 */
export function createNamedDriver(name: LocalDriverName, settings: DriverSettings): Promise<Driver> {
  return createDriverByName(name, settings, { from: import.meta.url });
}

/**
 * Parses a `--drivers a,b` style list (default: every driver), rejecting unknown names.
 *
 * @example
 * ```ts
 * parseDriverList('pool,fork'); // ['pool', 'fork']
 * ```
 */
export function parseDriverList(list: string | undefined): LocalDriverName[] {
  if (list === undefined || list === '') return [...DRIVERS];
  const names = list.split(',').map((s) => s.trim());
  for (const name of names) {
    if (name === 'queue') {
      throw new TypeError(
        'driver "queue" is not run by the reliability scripts (it needs Redis and worker processes; @isolane/queue\'s own tests cover it)',
      );
    }
    if (!isDriverName(name)) {
      throw new TypeError(`unknown driver "${name}" (known: ${DRIVERS.join(', ')})`);
    }
  }
  return names as LocalDriverName[];
}

/** One way of running a local driver: its name, plus driver options that change the model. */
export interface DriverVariant {
  /** How the scripts report it: the driver name, or e.g. `pool-process`. */
  readonly label: string;
  readonly name: LocalDriverName;
  /** Driver options (`DriverSettings.options`), e.g. `{ runtime: 'process' }`. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** True when tasks run in another thread or process (where memory and result limits apply). */
  readonly outOfProcess: boolean;
}

/**
 * Every local isolation model, the pool's process runtime included: the drivers' names alone miss
 * `pool` with `runtime: 'process'`, whose workers are child processes, not threads.
 */
export const DRIVER_VARIANTS: readonly DriverVariant[] = [
  { label: 'cooperative', name: 'cooperative', outOfProcess: false },
  { label: 'thread', name: 'thread', outOfProcess: true },
  { label: 'pool-thread', name: 'pool', outOfProcess: true },
  { label: 'pool-process', name: 'pool', options: { runtime: 'process' }, outOfProcess: true },
  { label: 'fork', name: 'fork', outOfProcess: true },
];

/**
 * Creates a private driver instance of a variant (the caller closes it).
 *
 * @example
 * ```ts
 * const variant = DRIVER_VARIANTS.find((v) => v.label === 'pool-process')!;
 * const driver = await createVariantDriver(variant, { concurrency: 2, memoryLimitMb: 64 });
 * await driver.close();
 * ```
 */
export function createVariantDriver(variant: DriverVariant, settings: DriverSettings): Promise<Driver> {
  const options = variant.options ? { ...settings.options, ...variant.options } : settings.options;
  return createNamedDriver(variant.name, { ...settings, options });
}

/**
 * Parses a `--variants a,b` list of variant labels (default: every variant), rejecting unknown ones.
 *
 * @example
 * ```ts
 * parseVariantList('thread,pool-process').map((v) => v.label); // ['thread', 'pool-process']
 * ```
 */
export function parseVariantList(list: string | undefined): DriverVariant[] {
  if (list === undefined || list === '') return [...DRIVER_VARIANTS];
  return list.split(',').map((raw) => {
    const label = raw.trim();
    const variant = DRIVER_VARIANTS.find((v) => v.label === label);
    if (!variant) {
      const known = DRIVER_VARIANTS.map((v) => v.label).join(', ');
      throw new TypeError(`unknown driver variant "${label}" (known: ${known})`);
    }
    return variant;
  });
}
