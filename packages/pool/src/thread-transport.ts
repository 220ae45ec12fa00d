/**
 * The pool worker's transport in a worker thread: a MessagePort and a shared start counter. A message
 * goes out at once, messages can be polled synchronously (cancels between jobs, the short spin after a
 * lone task), and the counter is one atomic store.
 */
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { STARTED_SLOT, type WorkerBoot } from './protocol.js';
import type { EntryTransport } from './worker-transport.js';

/**
 * The transport of a pool worker thread.
 *
 * @example
 * ```ts
 * const transport = threadTransport();
 * ```
 */
export function threadTransport(): EntryTransport {
  const boot = workerData as WorkerBoot;
  const port = boot.port;
  const counter = new Int32Array(boot.started);
  return {
    bootstrap: boot.bootstrap,
    tsx: boot.tsx,
    maxHeapBytes: boot.maxHeapBytes,
    preload: boot.preload,
    canPoll: true,
    post: (message) => port.postMessage(message),
    poll: () => receiveMessageOnPort(port)?.message as unknown[] | undefined,
    markStarted: (seq) => Atomics.store(counter, STARTED_SLOT, seq),
    flush: () => {},
    onMessage: (handler) => port.on('message', handler),
  };
}
