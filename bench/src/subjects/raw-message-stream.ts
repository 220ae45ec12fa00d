/**
 * Baseline of the messages measure: a raw MessagePort stream from a warm `new Worker` to its caller —
 * the worker posts every message at once (no window, no credits), the caller counts them. The physical
 * floor of task→caller messages; what `ctx.send()` on the pool is compared with.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import type { StreamRequest } from '../workers/raw-stream-worker.js';

const WORKER = new URL('../workers/raw-stream-worker.js', import.meta.url);

/** A warm worker that streams messages on request. */
export interface RawMessageStream {
  /** Streams `count` messages from the worker; resolves with how many arrived, in order, when all have. */
  stream(count: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * Starts the raw stream's worker and waits until it has loaded.
 *
 * @example
 * ```ts
 * const raw = await openRawMessageStream();
 * await raw.stream(10_000); // 10000
 * await raw.close();
 * ```
 */
export async function openRawMessageStream(): Promise<RawMessageStream> {
  const worker = new Worker(WORKER);
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  return {
    stream(count) {
      const { port1, port2 } = new MessageChannel();
      return new Promise<number>((resolve, reject) => {
        let received = 0;
        port1.on('message', (m: unknown) => {
          if (m === 'end') {
            port1.close();
            resolve(received);
            return;
          }
          // In order, or the figure is not worth printing.
          if ((m as { seq: number }).seq !== received) {
            port1.close();
            reject(new Error(`raw stream: message ${received} arrived as ${(m as { seq: number }).seq}`));
            return;
          }
          received++;
        });
        worker.postMessage({ count, port: port2 } satisfies StreamRequest, [port2]);
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
