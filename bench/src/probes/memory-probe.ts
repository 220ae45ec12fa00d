/**
 * Memory per worker: the resident memory a subject adds, host and child processes together, while
 * `concurrency` tasks are in flight, divided by the number of workers that hold them. For in-process
 * subjects there is no worker: the figure is what the tasks add to the host.
 */
import type { Plan } from '../plan.js';
import type { Subject } from '../subjects/subject.js';
import type { ProbeReport } from './probe-report.js';
import { TREE_RSS_SUPPORTED, treeRssMb } from './tree-rss.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

/**
 * Measures MiB per worker (the host runs with `--expose-gc` so the baseline is taken after a collection).
 *
 * @example
 * ```ts
 * (await memoryProbe(threadSubject, plan)).value; // ~10
 * ```
 */
export async function memoryProbe(subject: Subject, plan: Plan): Promise<ProbeReport> {
  const workers = plan.concurrency;
  const hold = plan.probes.memoryHoldMs;
  collect();
  await sleep(50);
  const before = treeRssMb();
  const session = await subject.open({ concurrency: workers });
  try {
    const holding = session.runMany('sleep', hold, workers);
    await sleep(hold * 0.7);
    const during = treeRssMb();
    const ok = await holding;
    if (ok !== workers) throw new Error(`${workers - ok} of the holding tasks failed`);
    const perWorker = Math.max(0, (during - before) / workers);
    const scope = TREE_RSS_SUPPORTED ? 'host + child processes' : 'host process only';
    return {
      verdict: `${perWorker.toFixed(1)} MB`,
      safe: null,
      value: perWorker,
      detail: `RSS ${before.toFixed(1)} → ${during.toFixed(1)} MB (${scope}) with ${workers} tasks in flight`,
    };
  } finally {
    await session.close();
  }
}
