/**
 * Peer: piscina, the pool the isolane pool driver is built on, used directly with default settings and
 * the same thread count. Its only per-task timeout is an AbortSignal, which counts from submission.
 */
import { Piscina } from 'piscina';
import { piscinaPeerPool, piscinaPoolOptions } from './piscina-api.js';
import type { Subject } from './subject.js';
import { threadPoolPeer } from './thread-pool-peer.js';

/**
 * The piscina subject.
 *
 * @example
 * ```ts
 * const session = await piscinaSubject().open({ concurrency: 2 });
 * ```
 */
export function piscinaSubject(): Subject {
  return threadPoolPeer({
    id: 'piscina',
    label: 'piscina 5',
    timeout: 'AbortSignal.timeout (from submission)',
    start: (options) => piscinaPeerPool(new Piscina(piscinaPoolOptions(options)), options),
  });
}
