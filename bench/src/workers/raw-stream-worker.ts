/**
 * The worker of the raw MessagePort stream baseline: on `{ count, port }` it posts `count` small messages
 * on that port as fast as the port takes them (no window, no credits, nothing to bookkeep), then `'end'`.
 * `parentPort` answers `'ready'` once, when the worker has loaded.
 */
import { type MessagePort, parentPort } from 'node:worker_threads';

/** A request to stream: how many messages, and the port to post them on. */
export interface StreamRequest {
  readonly count: number;
  readonly port: MessagePort;
}

const parent = parentPort!;
parent.on('message', ({ count, port }: StreamRequest) => {
  for (let i = 0; i < count; i++) port.postMessage({ seq: i, note: 'tick' });
  port.postMessage('end');
  port.close();
});
parent.postMessage('ready');
