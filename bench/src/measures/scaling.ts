/**
 * Scaling: CPU-bound tasks submitted at once, wall time against the same tasks run one after the other
 * on one thread — the "OS-level parallelism" column, measured. The CPU task is a fixed amount of work
 * calibrated on this machine (not a wall-clock spin, which would fake parallelism when tasks outnumber
 * cores). Also the many-small-CPU-tasks batch that holds the pool driver's overhead against raw piscina.
 */
import { unitProgress } from '../child/unit-progress.js';
import type { Plan } from '../plan.js';
import type { Subject } from '../subjects/subject.js';
import { cpu } from '../workers/tasks.js';

/**
 * Iterations of the catalogue's `cpu` task that take about one millisecond on one core here.
 *
 * @example
 * ```ts
 * const perMs = calibrateCpu(); // e.g. 350_000
 * ```
 */
export function calibrateCpu(): number {
  // Let the JIT optimize the loop before timing it.
  cpu(2_000_000);
  let iterations = 1_000_000;
  for (;;) {
    const t0 = performance.now();
    cpu(iterations);
    const ms = performance.now() - t0;
    if (ms >= 100) return Math.max(1, Math.round(iterations / ms));
    iterations *= ms > 5 ? Math.ceil(120 / ms) : 20;
  }
}

/**
 * Runs the tasks serially on this thread: the reference every speedup divides.
 *
 * @example
 * ```ts
 * const serialMs = measureSerial(makePlan(true), 60 * perMs);
 * ```
 */
export function measureSerial(plan: Plan, iterations: number): number {
  // Optimized code, as a warm thread would run it: the reference is the work, not the JIT warming up.
  cpu(Math.round(iterations / 10));
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < plan.scaling.repeats; r++) {
    const t0 = performance.now();
    for (let i = 0; i < plan.scaling.tasks; i++) cpu(iterations);
    best = Math.min(best, performance.now() - t0);
    unitProgress(`repeat ${r + 1}/${plan.scaling.repeats}`);
  }
  return best;
}

/**
 * Wall time of `plan.scaling.tasks` CPU tasks submitted at once (runs inside a unit host).
 *
 * @example
 * ```ts
 * const ms = await measureParallel(piscinaSubject(), plan, iterations);
 * ```
 */
export async function measureParallel(subject: Subject, plan: Plan, iterations: number): Promise<number> {
  const session = await subject.open({ concurrency: plan.concurrency });
  try {
    // Workers started, the task module loaded and (where workers are reused) the CPU loop optimized:
    // speedup is about running in parallel, not about opening. Per-task models pay their spawn each run.
    if (subject.features.perTask) await session.runMany('noop', 0, plan.concurrency);
    else await session.runMany('cpu', Math.round(iterations / 20), plan.concurrency * 4);
    let best = Number.POSITIVE_INFINITY;
    for (let r = 0; r < plan.scaling.repeats; r++) {
      const t0 = performance.now();
      const ok = await session.runMany('cpu', iterations, plan.scaling.tasks);
      best = Math.min(best, performance.now() - t0);
      if (ok !== plan.scaling.tasks) throw new Error(`${plan.scaling.tasks - ok} CPU tasks failed`);
      unitProgress(`repeat ${r + 1}/${plan.scaling.repeats}`);
    }
    return best;
  } finally {
    await session.close();
  }
}

/**
 * Wall time of `plan.cpuBatch.tasks` tasks of about `plan.cpuBatch.taskMs` CPU each (runs inside a unit
 * host): per-task overhead under real work, where a layer over a pool shows what it adds.
 *
 * @example
 * ```ts
 * const ms = await measureCpuBatch(poolSubject, plan, iterationsPerMs);
 * ```
 */
export async function measureCpuBatch(subject: Subject, plan: Plan, iterations: number): Promise<number> {
  const session = await subject.open({ concurrency: plan.concurrency });
  try {
    unitProgress(`warm-up, then ${plan.cpuBatch.tasks} tasks`);
    await session.runMany('cpu', iterations, plan.concurrency * 20);
    const t0 = performance.now();
    const ok = await session.runMany('cpu', iterations, plan.cpuBatch.tasks);
    const ms = performance.now() - t0;
    if (ok !== plan.cpuBatch.tasks) throw new Error(`${plan.cpuBatch.tasks - ok} CPU tasks failed`);
    return ms;
  } finally {
    await session.close();
  }
}
