/**
 * Throughput: many trivial tasks in flight at once through one session (one WaitGroup for the isolane
 * drivers), tasks per second. 100,000 for pools and in-process subjects; per-task models spawn a worker
 * or a process per task, so they get a count that finishes in seconds.
 */
import { unitProgress } from '../child/unit-progress.js';
import type { Plan } from '../plan.js';
import type { ThroughputRow } from '../result.js';
import type { Subject } from '../subjects/subject.js';

/**
 * How many tasks a subject gets in the throughput measure.
 *
 * @example
 * ```ts
 * throughputTasks(forkSubject, makePlan(false)); // 60
 * ```
 */
export function throughputTasks(subject: Subject, plan: Plan): number {
  if (subject.throughputTasks) return subject.throughputTasks(plan);
  if (!subject.features.perTask) return plan.throughput.pooledTasks;
  return subject.features.processes ? plan.throughput.processTasks : plan.throughput.threadTasks;
}

/**
 * Measures one subject's throughput (runs inside a unit host).
 *
 * @example
 * ```ts
 * const row = await measureThroughput(poolifierSubject(), makePlan(true));
 * row.tasksPerSecond; // ~80_000
 * ```
 */
export async function measureThroughput(subject: Subject, plan: Plan): Promise<ThroughputRow> {
  const tasks = throughputTasks(subject, plan);
  const session = await subject.open({ concurrency: plan.concurrency });
  try {
    // Warm-up: start the workers and let the JIT see the path once.
    const warm = subject.features.perTask ? plan.concurrency : Math.min(2_000, Math.ceil(tasks / 10));
    unitProgress(`warm-up, then ${tasks} tasks`);
    await session.runMany('noop', 0, warm);
    const t0 = performance.now();
    const ok = await session.runMany('noop', 1, tasks);
    const ms = performance.now() - t0;
    return { subject: subject.id, tasks, ok, ms, tasksPerSecond: (tasks / ms) * 1_000 };
  } finally {
    await session.close();
  }
}
