/**
 * Peak memory while a runner works, sampled from a worker thread so that a task that blocks the host's
 * event loop (a CPU-bound task under the serial reference or `cooperative`) is sampled all the same.
 */
import { Worker } from 'node:worker_threads';
import { TREE_RSS_SUPPORTED, treeRssMb } from '../probes/tree-rss.js';

const SAMPLER = new URL('./rss-sampler-worker.js', import.meta.url);

/** A running sampler. */
export interface RssSampler {
  /** Starts a new peak from the current RSS (and resumes sampling). */
  reset(): void;
  /** Stops sampling until the next reset (the peak so far is kept). */
  pause(): Promise<void>;
  /** Peak RSS (MiB) since the last reset, host and descendants. */
  peak(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts sampling the RSS of this process tree every `intervalMs`.
 *
 * @example
 * ```ts
 * const sampler = await startRssSampler(25); sampler.reset(); await work(); await sampler.peak(); // 212.4
 * ```
 */
export async function startRssSampler(intervalMs = 25): Promise<RssSampler> {
  const worker = new Worker(SAMPLER, { workerData: { pid: process.pid, intervalMs } });
  worker.unref();
  await new Promise((resolve) => worker.once('message', resolve));
  let asked = 0;
  const ask = (type: 'reset' | 'peak' | 'pause'): Promise<number> =>
    new Promise((resolve) => {
      const id = ++asked;
      const onMessage = (m: { id: number; peak: number }): void => {
        if (m.id !== id) return;
        worker.off('message', onMessage);
        // Outside Linux the worker sees only its own process: take the host's own figure too.
        resolve(TREE_RSS_SUPPORTED ? m.peak : Math.max(m.peak, treeRssMb()));
      };
      worker.on('message', onMessage);
      worker.postMessage({ type, id });
    });
  return {
    reset: () => void ask('reset'),
    pause: async () => {
      await ask('pause');
    },
    peak: () => ask('peak'),
    stop: async () => {
      await worker.terminate();
    },
  };
}
