/**
 * Stop check (issue 12, "stop means stopped"), per local driver variant: no orphan (tasks that started
 * child processes are stopped by timeout, abort() and close(); nothing carrying their marker may run
 * 2 s later), no lost line (a script whose tasks print numbered lines on stdout and stderr delivers
 * every one, whether it ends on its own or closes right after wait()), no ignored limit (on
 * out-of-process drivers, `memoryLimitMb` holds under a host started with a larger
 * `--max-old-space-size`, and `maxResultMb` refuses a larger result). Prints figures per variant and
 * exits non-zero on any failure.
 *
 * Usage: node reliability/dist/stop-check.js [--variants thread,pool-process] [--concurrency N]
 *        [--timeout-tasks N] [--rounds N] [--print-tasks N] [--lines N]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flag, intFlag } from './args.js';
import { createVariantDriver, type DriverVariant, parseVariantList } from './drivers.js';
import { seconds } from './figures.js';
import { type LimitOutcome, limitCheck } from './limit-check.js';
import { killMarked } from './marked-processes.js';
import { outputCheck } from './output-check.js';
import { type StopPlan, stopPhases } from './stop-cases.js';

/** One variant's row of figures. */
interface Row {
  readonly label: string;
  readonly cases: number;
  readonly started: number;
  readonly orphans: number;
  readonly delivered: number;
  readonly expected: number;
  readonly limits: LimitOutcome | undefined;
  readonly ms: number;
  readonly problems: readonly string[];
}

async function checkVariant(
  variant: DriverVariant,
  plan: StopPlan,
  printTasks: number,
  lines: number,
): Promise<Row> {
  const started = performance.now();
  const problems: string[] = [];
  const driver = await createVariantDriver(variant, { concurrency: plan.concurrency });
  let stop: Awaited<ReturnType<typeof stopPhases>>;
  try {
    stop = await stopPhases(driver, variant, plan);
  } finally {
    await driver.close();
  }
  problems.push(...stop.problems.map((p) => `stop ${p}`));
  const output = await outputCheck(variant, {
    tasks: printTasks,
    linesPerTask: lines,
    concurrency: plan.concurrency,
    runMarker: plan.runMarker,
  });
  problems.push(...output.problems.map((p) => `output ${p}`));
  const limits = variant.outOfProcess ? await limitCheck(variant) : undefined;
  if (limits) problems.push(...limits.problems.map((p) => `limit ${p}`));
  return {
    label: variant.label,
    cases: stop.cases,
    started: stop.started,
    orphans: stop.orphans,
    delivered: output.delivered,
    expected: output.expected,
    limits,
    ms: performance.now() - started,
    problems,
  };
}

function printRow(row: Row): void {
  const status = row.problems.length === 0 ? 'ok  ' : 'FAIL';
  const lines = `${row.delivered}/${row.expected}`;
  const oom = row.limits?.oom ?? 'n/a';
  const result = row.limits?.result ?? 'n/a';
  console.log(
    `  ${status} ${row.label.padEnd(13)}${String(row.cases).padStart(6)}${String(row.started).padStart(8)}${String(row.orphans).padStart(8)}${lines.padStart(14)}  ${oom.padEnd(5)}${result.padEnd(15)}${seconds(row.ms).padStart(9)}`,
  );
  for (const p of row.problems) console.log(`       ${p}`);
}

async function main(argv: readonly string[]): Promise<number> {
  const variants = parseVariantList(flag(argv, 'variants'));
  const concurrency = intFlag(argv, 'concurrency', 3);
  const runMarker = `stop-check-${randomUUID()}`;
  const readyDir = mkdtempSync(join(tmpdir(), 'isolane-stop-check-'));
  const plan: StopPlan = {
    concurrency,
    timeoutTasks: intFlag(argv, 'timeout-tasks', 18),
    rounds: intFlag(argv, 'rounds', 4),
    runMarker,
    readyDir,
  };
  const printTasks = intFlag(argv, 'print-tasks', 20);
  const lines = intFlag(argv, 'lines', 500);
  console.log(
    `stop-check: concurrency ${concurrency}; ${plan.timeoutTasks} tasks stopped by a 1 s timeout, ${plan.rounds} abort() and ${plan.rounds} close() rounds of ${2 * concurrency} tasks, each task starting a child (sleep/node, attached/detached); ${printTasks} tasks × ${lines} lines on stdout and stderr in a script that ends / closes; memoryLimitMb 64 under --max-old-space-size=2048 and maxResultMb 1 against 3 MiB`,
  );
  console.log(
    `       ${'driver'.padEnd(13)}${'cases'.padStart(6)}${'started'.padStart(8)}${'orphans'.padStart(8)}${'lines'.padStart(14)}  ${'oom'.padEnd(5)}${'result limit'.padEnd(15)}${'time'.padStart(9)}`,
  );
  let failed = false;
  const started = performance.now();
  try {
    for (const variant of variants) {
      const row = await checkVariant(variant, plan, printTasks, lines);
      printRow(row);
      if (row.problems.length > 0) failed = true;
    }
  } finally {
    killMarked(runMarker);
    rmSync(readyDir, { recursive: true, force: true });
  }
  console.log(
    failed
      ? `stop-check: FAILED (${seconds(performance.now() - started)})`
      : `stop-check: no orphan, no lost line, no ignored limit (${seconds(performance.now() - started)})`,
  );
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error('stop-check: crashed:', err);
    process.exitCode = 2;
  },
);
