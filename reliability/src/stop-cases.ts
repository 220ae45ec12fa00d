/**
 * Stop means stopped, at scale: tasks that each start a child process (attached or detached, `sleep` or
 * `node`) are stopped by their timeout, by `abort()` with more tasks queued, and by `close()` while they
 * run; after each stop no process carrying the tasks' marker may be left 2 s later.
 */
import { readdirSync } from 'node:fs';
import { type Driver, WaitGroup } from '@isolane/core';
import type { DriverVariant } from './drivers.js';
import { killMarked, markedAfter } from './marked-processes.js';
import { spawnAndHold } from './stop-tasks.js';
import { waitWithin } from './wait-within.js';

/** How long a stopped task's processes may outlive the stop (SIGTERM, SIGKILL 500 ms later). */
export const ORPHAN_GRACE_MS = 2_000;
/** The timeout of the timeout phase's tasks. */
const TASK_TIMEOUT_MS = 1_000;
/** Limit for anything expected to happen: a hang is reported, never awaited forever. */
const LIMIT_MS = 120_000;

/** Sizes of one variant's stop phases. */
export interface StopPlan {
  readonly concurrency: number;
  /** Tasks of the timeout phase (one group). */
  readonly timeoutTasks: number;
  /** Groups of the abort phase and of the close phase, each of `2 × concurrency` tasks. */
  readonly rounds: number;
  /** Marker of this run; each task's child carries `<runMarker>.<label>.<phase>.<i>`. */
  readonly runMarker: string;
  /** Directory where tasks record the children they started. */
  readonly readyDir: string;
}

/** What the stop phases of one variant found. */
export interface StopOutcome {
  readonly cases: number;
  /** Children the tasks started (a task dropped from the queue by an abort starts none). */
  readonly started: number;
  /** Processes still carrying a phase's marker 2 s after its stop. */
  readonly orphans: number;
  readonly problems: readonly string[];
}

/** Children recorded so far under a phase marker. */
function startedUnder(dir: string, phaseMarker: string): number {
  return readdirSync(dir).filter((f) => f.startsWith(phaseMarker)).length;
}

async function until(probe: () => boolean, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (!probe()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

/** One phase: `tasks` go() calls, a stop, a count of what outlived it. */
async function phase(
  driver: Driver,
  plan: StopPlan,
  phaseMarker: string,
  tasks: number,
  how: 'timeout' | 'abort' | 'close',
  problems: string[],
): Promise<{ started: number; orphans: number }> {
  const wg = new WaitGroup({ driver, timeout: how === 'timeout' ? TASK_TIMEOUT_MS : 0, globals: [] });
  for (let i = 0; i < tasks; i++) {
    wg.go(spawnAndHold, `${phaseMarker}${i}`, i % 2 === 1, (i >> 1) % 2 === 1, plan.readyDir);
  }
  const expectedKind = how === 'timeout' ? 'timeout' : 'aborted';
  if (how !== 'timeout') {
    const want = Math.min(plan.concurrency, tasks);
    if (!(await until(() => startedUnder(plan.readyDir, phaseMarker) >= want, LIMIT_MS))) {
      problems.push(`${how}: ${want} children not started within ${LIMIT_MS} ms`);
    }
    if (how === 'abort') wg.abort('stop-check abort');
  }
  const closing = how === 'close' ? wg.close() : undefined;
  const results = await waitWithin(wg, LIMIT_MS);
  if (!results) problems.push(`${how}: wait() did not resolve within ${LIMIT_MS} ms`);
  else {
    const odd = results.filter((r) => r.ok || r.error.kind !== expectedKind);
    if (odd.length > 0) {
      const first = odd[0]!;
      const what = first.ok
        ? `a value ${String(first.value)}`
        : `${first.error.kind}: ${first.error.message}`;
      problems.push(`${how}: ${odd.length} slot(s) did not settle as ${expectedKind} (first: ${what})`);
    }
  }
  await (closing ?? wg.close());
  const started = startedUnder(plan.readyDir, phaseMarker);
  const left = await markedAfter(phaseMarker, ORPHAN_GRACE_MS);
  if (left.length > 0) {
    problems.push(
      `${how}: ${left.length} process(es) of ${started} started still running ${ORPHAN_GRACE_MS} ms after the stop (pids ${left.join(', ')})`,
    );
    killMarked(phaseMarker);
  }
  return { started, orphans: left.length };
}

/**
 * Runs the timeout, abort and close phases on one driver variant (the driver is the caller's: it is
 * still open during every count, so what is counted is what the stop ended, not what close() did).
 *
 * @example
 * ```ts
 * const outcome = await stopPhases(driver, variant, { concurrency: 3, timeoutTasks: 18, rounds: 4, runMarker, readyDir });
 * if (outcome.orphans > 0) process.exitCode = 1;
 * ```
 */
export async function stopPhases(
  driver: Driver,
  variant: DriverVariant,
  plan: StopPlan,
): Promise<StopOutcome> {
  const problems: string[] = [];
  const base = `${plan.runMarker}.${variant.label}.`;
  let cases = 0;
  let started = 0;
  let orphans = 0;
  const add = (r: { started: number; orphans: number }, tasks: number) => {
    cases += tasks;
    started += r.started;
    orphans += r.orphans;
  };
  add(
    await phase(driver, plan, `${base}timeout.`, plan.timeoutTasks, 'timeout', problems),
    plan.timeoutTasks,
  );
  const perRound = 2 * plan.concurrency;
  for (let round = 0; round < plan.rounds; round++) {
    add(await phase(driver, plan, `${base}abort${round}.`, perRound, 'abort', problems), perRound);
    add(await phase(driver, plan, `${base}close${round}.`, perRound, 'close', problems), perRound);
  }
  return { cases, started, orphans, problems };
}
