/** The sampling thread of `rss-sampler.ts`: keeps the peak tree RSS of the host and answers on request. */
import { parentPort, workerData } from 'node:worker_threads';
import { treeRssMb } from '../probes/tree-rss.js';

const { pid, intervalMs } = workerData as { pid: number; intervalMs: number };
let peak = treeRssMb(pid);
setInterval(() => {
  peak = Math.max(peak, treeRssMb(pid));
}, intervalMs);
parentPort!.on('message', (m: { type: 'reset' | 'peak'; id: number }) => {
  const now = treeRssMb(pid);
  if (m.type === 'reset') peak = now;
  else peak = Math.max(peak, now);
  parentPort!.postMessage({ id: m.id, peak });
});
parentPort!.postMessage({ id: 0, peak });
