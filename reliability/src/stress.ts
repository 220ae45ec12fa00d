/**
 * Stress check: thousands of `go()` issued at once against each driver, every one must succeed with its
 * own value. Prints time and throughput per driver and exits non-zero on any lost, wrong or failed
 * result, on a hang, or on a thread/process left behind after close().
 *
 * Usage: node reliability/dist/stress.js [--drivers pool,fork] [--concurrency N] [--scale F]
 */
import { availableParallelism } from 'node:os';
import { WaitGroup } from '@isolane/core';
import { flag } from './args.js';
import { createNamedDriver, type LocalDriverName, parseDriverList } from './drivers.js';
import { perSecond, seconds } from './figures.js';
import { census, leftoversSince, warmThreadPool } from './leftovers.js';
import { tagged } from './tasks.js';
import { waitWithin } from './wait-within.js';

/** Tasks per driver: 10,000 where a task costs microseconds, 1,000 where each gets a fresh thread/process. */
export const STRESS_TASKS: Readonly<Record<LocalDriverName, number>> = {
  cooperative: 10_000,
  pool: 10_000,
  thread: 1_000,
  fork: 1_000,
};

/** Outcome of one driver's stress run. */
export interface StressOutcome {
  readonly driver: LocalDriverName;
  readonly tasks: number;
  readonly concurrency: number;
  readonly ms: number;
  readonly problems: readonly string[];
}

/**
 * Issues `tasks` go() calls at once on a private driver and checks every result.
 *
 * @example
 * ```ts
 * const outcome = await stressDriver('pool', 10_000, 2, 600_000);
 * ```
 */
export async function stressDriver(
  name: LocalDriverName,
  tasks: number,
  concurrency: number,
  limitMs: number,
): Promise<StressOutcome> {
  const baseline = census();
  const driver = await createNamedDriver(name, { concurrency });
  const problems: string[] = [];
  const started = performance.now();
  const wg = new WaitGroup({ driver, timeout: 0, globals: [] });
  for (let i = 0; i < tasks; i++) {
    const slot = wg.go(tagged, i);
    if (slot !== i) problems.push(`go() #${i} returned slot ${slot}`);
  }
  const results = await waitWithin(wg, limitMs);
  const ms = performance.now() - started;
  if (!results) {
    problems.push(`wait() did not resolve within ${limitMs} ms (${wg.count} of ${tasks} slots unsettled)`);
  } else {
    if (results.length !== tasks) problems.push(`${results.length} results for ${tasks} go() calls`);
    let failed = 0;
    for (let i = 0; i < results.length; i++) {
      const r = results[i]!;
      if (!r.ok) {
        failed++;
        if (failed <= 5)
          problems.push(`slot ${i} failed (${r.error.kind}): ${r.error.name}: ${r.error.message}`);
      } else if (r.value !== i) problems.push(`slot ${i} got the value ${String(r.value)}`);
    }
    if (failed > 5) problems.push(`... ${failed} failed slots in all`);
  }
  await wg.close();
  await driver.close();
  const left = await leftoversSince(baseline, 2_000);
  if (left) problems.push(left);
  return { driver: name, tasks, concurrency, ms, problems };
}

async function main(argv: readonly string[]): Promise<number> {
  const drivers = parseDriverList(flag(argv, 'drivers'));
  const concurrency = Number(flag(argv, 'concurrency') ?? availableParallelism());
  const scale = Number(flag(argv, 'scale') ?? 1);
  await warmThreadPool();
  console.log(
    `stress: every go() issued at once on a private driver (concurrency ${concurrency}); each task returns its slot index`,
  );
  let failed = false;
  for (const name of drivers) {
    const tasks = Math.max(1, Math.round(STRESS_TASKS[name] * scale));
    const outcome = await stressDriver(name, tasks, concurrency, 600_000);
    const status = outcome.problems.length === 0 ? 'ok  ' : 'FAIL';
    console.log(
      `  ${status} ${name.padEnd(11)} ${String(tasks).padStart(6)} tasks in ${seconds(outcome.ms).padStart(8)}  ${perSecond(tasks, outcome.ms).padStart(10)}`,
    );
    for (const p of outcome.problems) console.log(`       ${p}`);
    if (outcome.problems.length > 0) failed = true;
  }
  console.log(failed ? 'stress: FAILED' : 'stress: all results present, correct and in slot order');
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error('stress: crashed:', err);
    process.exitCode = 2;
  },
);
