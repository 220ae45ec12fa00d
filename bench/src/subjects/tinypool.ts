/**
 * Peer: tinypool (vitest's pool), default settings and the same thread count. Per-task timeout through
 * an AbortSignal, counting from submission.
 */
import Tinypool from 'tinypool';
import { piscinaPeerPool, piscinaPoolOptions } from './piscina-api.js';
import type { Subject } from './subject.js';
import { threadPoolPeer } from './thread-pool-peer.js';

/**
 * The tinypool subject.
 *
 * @example
 * ```ts
 * const session = await tinypoolSubject().open({ concurrency: 2 });
 * ```
 */
export function tinypoolSubject(): Subject {
  return threadPoolPeer({
    id: 'tinypool',
    label: 'tinypool 2',
    timeout: 'AbortSignal.timeout (from submission)',
    start: (options) => piscinaPeerPool(new Tinypool(piscinaPoolOptions(options)), options),
  });
}
