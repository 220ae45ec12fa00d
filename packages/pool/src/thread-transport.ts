/**
 * The pool worker's transport in a worker thread: a private MessagePort and a shared start counter,
 * both taken from the parent's first message on `parentPort` before any other code runs (see
 * `PoolHello`), so no task can post on the channel or write the counter. A message goes out at once,
 * messages can be polled synchronously (cancels between jobs, the short spin after a lone task), and
 * the counter is one atomic store. What it calls is taken at load time, before a task could patch it.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { type PoolHello, STARTED_SLOT, type WorkerBoot } from './protocol.js';
import type { EntryTransport } from './worker-transport.js';

const { store } = Atomics;
const receive = receiveMessageOnPort;

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
  const hello = receive(parentPort!)?.message as PoolHello | undefined;
  // The parent posts it right after the thread's creation: it is always queued by the time this runs.
  if (hello === undefined) throw new Error('isolane pool worker: no private channel in its first message');
  const { port } = hello;
  // Bound now: a task that replaces MessagePort.prototype.postMessage later never sees this port.
  const postMessage = port.postMessage.bind(port);
  const counter = new Int32Array(hello.started);
  return {
    bootstrap: boot.bootstrap,
    tsx: boot.tsx,
    maxHeapBytes: boot.maxHeapBytes,
    maxResultMb: boot.maxResultMb,
    preload: boot.preload,
    canPoll: true,
    post: (message) => postMessage(message),
    poll: () => receive(port)?.message as unknown[] | undefined,
    markStarted: (seq) => store(counter, STARTED_SLOT, seq),
    flush: () => {},
    hold: () => {},
    onMessage: (handler) => port.on('message', handler),
  };
}
