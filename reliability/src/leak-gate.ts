/**
 * Leak gate: runs many tasks per driver in batches, one fresh WaitGroup per batch (all listening to one
 * long-lived AbortSignal, as a server's groups would), and samples this process's memory after each
 * batch with garbage collected. What is measured is the PARENT process: its RSS (for `pool` and
 * `thread` that includes the worker threads, which live inside it; `fork` children are separate
 * processes and not counted) and the main isolate's JS heap. A leak of slots, listeners or map entries in
 * the parent shows as drift. Exits non-zero when RSS drift past warm-up exceeds the bound (5 MB).
 *
 * The young generation is pinned (`--min-semi-space-size` = `--max-semi-space-size` = 2 MB): V8 otherwise
 * grows and shrinks it with the allocation rate, and in a parent that allocates little (fork) its
 * committed size swung by 4-6 MB from one sample to the next (measured), which is not memory kept. With
 * it pinned, RSS drift is what stays.
 *
 * Usage: node --expose-gc reliability/dist/leak-gate.js [--drivers pool,fork] [--batches 10] [--scale F]
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type Driver, WaitGroup } from '@isolane/core';
import { flag, intFlag } from './args.js';
import { createNamedDriver, type LocalDriverName, parseDriverList } from './drivers.js';
import { mb, seconds } from './figures.js';
import { warmThreadPool } from './leftovers.js';
import { collectGarbage, smallWork } from './tasks.js';

/** V8 flags that pin the young generation's size, so its resizing does not read as drift. */
export const YOUNG_GENERATION_FLAGS: readonly string[] = [
  '--min-semi-space-size=2',
  '--max-semi-space-size=2',
];

/** Largest RSS drift (final sample minus the post-warm-up baseline) the gate accepts. */
export const MAX_DRIFT_BYTES = 5 * 1024 * 1024;

/** Tasks measured per driver (after warm-up). */
export const LEAK_TASKS: Readonly<Record<LocalDriverName, number>> = {
  cooperative: 10_000,
  pool: 10_000,
  thread: 1_000,
  fork: 1_000,
};

/**
 * Unmeasured batches before the baseline. In-process models need more: the allocator's high-water mark
 * for a batch's slots, results and clones settles only after a few thousand tasks (measured: the RSS
 * plateau is reached after about 5,000 cooperative tasks and stays flat over 60,000 more).
 */
export const WARMUP_BATCHES: Readonly<Record<LocalDriverName, number>> = {
  cooperative: 5,
  pool: 5,
  thread: 2,
  // A fork parent's RSS climbs over its first ~500 tasks (buffers and allocator arenas for its children's
  // pipes; measured in CI: +2.4 and +4.0 MB over the first samples, flat or falling after), so its
  // baseline waits for that plateau like the in-process models'.
  fork: 5,
};

/** One memory sample of this process. */
export interface MemorySample {
  readonly tasks: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
}

/** Figures of one driver's leak run. */
export interface LeakOutcome {
  readonly driver: LocalDriverName;
  readonly samples: readonly MemorySample[];
  readonly drift: number;
  readonly heapDrift: number;
  readonly problems: readonly string[];
  readonly ms: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

async function settleMemory(driver: Driver, concurrency: number): Promise<void> {
  // Collect in the workers too (V8 flags such as --expose-gc apply to every isolate of the process),
  // then twice here, with a pause so finalizers and freed pages are processed.
  const wg = new WaitGroup({ driver, timeout: 0, globals: [] });
  for (let i = 0; i < concurrency; i++) wg.go(collectGarbage, 20);
  await wg.wait();
  await wg.close();
  for (let i = 0; i < 2; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

function sample(tasks: number): MemorySample {
  const m = process.memoryUsage();
  return { tasks, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external };
}

async function runBatch(
  driver: Driver,
  signal: AbortSignal,
  size: number,
  offset: number,
  problems: string[],
): Promise<void> {
  const wg = new WaitGroup({ driver, signal, timeout: 0, globals: [] });
  for (let i = 0; i < size; i++) wg.go(smallWork, offset + i);
  const results = await wg.wait();
  await wg.close();
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    if (!r.ok || (r.value as { tag: number }).tag !== offset + i) {
      if (problems.length < 5)
        problems.push(`task ${offset + i}: ${r.ok ? 'wrong value' : `${r.error.kind}: ${r.error.message}`}`);
    }
  }
}

/**
 * Runs `warmupBatches` unmeasured batches, then `batches` batches of `tasks / batches` tasks, sampling
 * memory after each.
 *
 * @example
 * ```ts
 * const outcome = await leakRun('pool', 10_000, 10, 2, 2);
 * console.log(outcome.drift);
 * ```
 */
export async function leakRun(
  name: LocalDriverName,
  tasks: number,
  batches: number,
  warmupBatches: number,
  concurrency: number,
): Promise<LeakOutcome> {
  const driver = await createNamedDriver(name, { concurrency });
  const controller = new AbortController();
  const problems: string[] = [];
  const size = Math.max(1, Math.floor(tasks / batches));
  const started = performance.now();
  let offset = 0;
  for (let b = 0; b < warmupBatches; b++) {
    await runBatch(driver, controller.signal, size, offset, problems);
    offset += size;
  }
  await settleMemory(driver, concurrency);
  const samples: MemorySample[] = [sample(0)];
  for (let b = 0; b < batches; b++) {
    await runBatch(driver, controller.signal, size, offset, problems);
    offset += size;
    await settleMemory(driver, concurrency);
    samples.push(sample((b + 1) * size));
  }
  await driver.close();
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  return {
    driver: name,
    samples,
    drift: last.rss - first.rss,
    heapDrift: last.heapUsed - first.heapUsed,
    problems,
    ms: performance.now() - started,
  };
}

async function main(argv: readonly string[]): Promise<number> {
  if (!gc || !YOUNG_GENERATION_FLAGS.every((f) => process.execArgv.includes(f))) {
    // Re-run with --expose-gc (rather than measure garbage that was simply not collected yet) and a
    // pinned young generation (see the top of this file).
    const flags = [...new Set([...process.execArgv, '--expose-gc', ...YOUNG_GENERATION_FLAGS])];
    const child = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url), ...argv], {
      stdio: 'inherit',
    });
    return child.status ?? 1;
  }
  const drivers = parseDriverList(flag(argv, 'drivers'));
  const batches = intFlag(argv, 'batches', 10);
  const warmupFlag = flag(argv, 'warmup');
  const scale = Number(flag(argv, 'scale') ?? 1);
  const concurrency = intFlag(argv, 'concurrency', availableParallelism());
  await warmThreadPool();
  console.log(
    `leak gate: memory of THIS (parent) process after gc, sampled after each batch (one fresh WaitGroup per batch, all on one long-lived AbortSignal). RSS includes in-process worker threads (pool, thread); fork children are separate processes and not counted. Bound: RSS drift <= ${mb(MAX_DRIFT_BYTES)} from the sample after the warm-up batches to the last sample.`,
  );
  let failed = false;
  for (const name of drivers) {
    const tasks = Math.max(batches, Math.round(LEAK_TASKS[name] * scale));
    const warmup = warmupFlag === undefined ? WARMUP_BATCHES[name] : intFlag(argv, 'warmup', 1);
    const outcome = await leakRun(name, tasks, batches, warmup, concurrency);
    const over = outcome.drift > MAX_DRIFT_BYTES;
    const bad = over || outcome.problems.length > 0;
    if (bad) failed = true;
    const base = outcome.samples[0]!;
    const last = outcome.samples[outcome.samples.length - 1]!;
    const peak = Math.max(...outcome.samples.map((s) => s.rss));
    console.log(
      `  ${bad ? 'FAIL' : 'ok  '} ${name.padEnd(11)} ${tasks} tasks (+${warmup} warm-up batches) in ${seconds(outcome.ms)}: RSS baseline ${mb(base.rss)}, final ${mb(last.rss)}, drift ${mb(outcome.drift, true)} (peak ${mb(peak)}); JS heap ${mb(base.heapUsed)} -> ${mb(last.heapUsed)} (${mb(outcome.heapDrift, true)})`,
    );
    console.log(
      `       RSS per batch: ${outcome.samples.map((s) => (s.rss / 1024 / 1024).toFixed(1)).join(' ')} MB`,
    );
    console.log(
      `       heap per batch: ${outcome.samples.map((s) => (s.heapUsed / 1024 / 1024).toFixed(1)).join(' ')} MB`,
    );
    console.log(
      `       V8 heap committed per batch: ${outcome.samples.map((s) => (s.heapTotal / 1024 / 1024).toFixed(1)).join(' ')} MB; external: ${mb(base.external)} -> ${mb(last.external)}`,
    );
    if (over) console.log(`       RSS drift ${mb(outcome.drift)} exceeds ${mb(MAX_DRIFT_BYTES)}`);
    for (const p of outcome.problems) console.log(`       ${p}`);
  }
  console.log(failed ? 'leak gate: FAILED' : 'leak gate: passed');
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error('leak gate: crashed:', err);
    process.exitCode = 2;
  },
);
