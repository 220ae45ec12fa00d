/**
 * `--driver all`: the same report under every driver, on the same data. Each driver runs twice — cold
 * (its first tasks pay for starting workers or processes) and warm — and the summaries must agree.
 */
import { type DriverName, KNOWN_DRIVERS, shutdown } from '@isolane/core';
import { type Report, type ReportOptions, runReport } from './report.js';

/** One driver's row in the comparison. */
export interface DriverRun {
  readonly driver: DriverName;
  readonly cold: Report;
  readonly warm: Report;
}

/** The comparison of every driver. */
export interface Comparison {
  readonly runs: readonly DriverRun[];
  /** True when every driver produced the same successful summaries as the first one. */
  readonly identical: boolean;
}

/**
 * Runs the report under each driver in turn (cold, then warm), closing each driver's workers before the
 * next one starts so they do not compete for the cores.
 *
 * @example
 * ```ts
 * const { runs, identical } = await compareDrivers({ dbPath: 'events.sqlite', shards: 8 });
 * ```
 */
export async function compareDrivers(
  options: Omit<ReportOptions, 'driver'>,
  drivers: readonly DriverName[] = ['cooperative', 'thread', 'pool', 'fork'],
): Promise<Comparison> {
  const runs: DriverRun[] = [];
  for (const driver of drivers) {
    if (!(KNOWN_DRIVERS as readonly string[]).includes(driver))
      throw new TypeError(`unknown driver "${driver}"`);
    const cold = await runReport({ ...options, driver });
    const warm = await runReport({ ...options, driver });
    runs.push({ driver, cold, warm });
    await shutdown();
  }
  const fingerprint = (r: Report) =>
    JSON.stringify(
      r.outcomes.map((o) => (o.result.ok ? o.result.value : { failed: o.result.error.message })),
    );
  const first = runs[0] ? fingerprint(runs[0].warm) : '';
  const identical = runs.every((r) => fingerprint(r.cold) === first && fingerprint(r.warm) === first);
  return { runs, identical };
}
