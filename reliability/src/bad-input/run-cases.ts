/**
 * Runs the whole bad-input list in order (the order matters: it is the doc's order, and drivers are
 * loaded first so driver-option errors surface the same way every time).
 */
import { shutdown, WaitGroup } from '@isolane/core';
import { DRIVERS } from '../drivers.js';
import { BAD_INPUT_CASES, type BadInputCase } from './cases.js';
import { CaseContext, FIXTURES } from './context.js';
import { mismatches, type Observed, observe, stillUsable } from './observe.js';

/** One case's outcome. */
export interface CaseOutcome {
  readonly c: BadInputCase;
  readonly seen: Observed;
  readonly problems: readonly string[];
}

/**
 * Loads every driver package once (a good task on each), so driver-option errors are thrown at the
 * constructor rather than while a package is still loading.
 *
 * @example
 * ```ts
 * await loadDrivers(ctx);
 * ```
 */
export async function loadDrivers(ctx: CaseContext): Promise<void> {
  const tasks = (await import(FIXTURES.tasks)) as { double: (n: number) => number };
  for (const driver of DRIVERS) {
    const wg = new WaitGroup({ driver, cwd: ctx.cleanDir, concurrency: 1 });
    wg.go(tasks.double, 1);
    await wg.wait();
    await wg.close();
  }
}

/**
 * Runs every case and checks it; shared drivers are shut down at the end.
 *
 * @example
 * ```ts
 * const { outcomes, scratch } = await runBadInputCases();
 * ```
 */
export async function runBadInputCases(
  cases: readonly BadInputCase[] = BAD_INPUT_CASES,
): Promise<{ outcomes: CaseOutcome[]; scratch: string }> {
  const ctx = new CaseContext();
  const outcomes: CaseOutcome[] = [];
  try {
    await loadDrivers(ctx);
    for (const c of cases) {
      const seen = await observe(c, ctx);
      const problems = [...mismatches(c, seen), ...(await stillUsable(c, seen, ctx))];
      outcomes.push({ c, seen, problems });
    }
  } finally {
    await ctx.dispose();
    await shutdown();
  }
  return { outcomes, scratch: ctx.root };
}
