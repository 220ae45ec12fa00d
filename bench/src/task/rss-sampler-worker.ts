/** The sampling thread of `rss-sampler.ts`: keeps the peak tree RSS of the host and answers on request. */
import { parentPort, workerData } from 'node:worker_threads';
import { treeRssMb } from '../probes/tree-rss.js';

const { pid, intervalMs } = workerData as { pid: number; intervalMs: number };
let peak = treeRssMb(pid);
const sample = (): void => {
  peak = Math.max(peak, treeRssMb(pid));
};
// Each sample walks /proc (a few ms of CPU): paused while the host takes latency samples.
let timer: NodeJS.Timeout | undefined = setInterval(sample, intervalMs);
parentPort!.on('message', (m: { type: 'reset' | 'peak' | 'pause'; id: number }) => {
  if (m.type === 'pause') {
    clearInterval(timer);
    timer = undefined;
  } else if (m.type === 'reset') {
    peak = treeRssMb(pid);
    timer ??= setInterval(sample, intervalMs);
  } else {
    sample();
  }
  parentPort!.postMessage({ id: m.id, peak });
});
parentPort!.postMessage({ id: 0, peak });
