/**
 * How many jobs one worker's pipeline may hold: about PIPELINE_MS of work by the running average of
 * task run times, so a worker never idles between tiny tasks while long tasks are never piled onto one
 * worker. One job until the first result comes in.
 */

/** How much work (ms, by the running average) a worker's pipeline may hold. */
const PIPELINE_MS = 2;
/** Most jobs in flight on one worker (also the largest batch). */
const MAX_DEPTH = 256;

/**
 * The running average of task run times, and the pipeline depth it gives.
 *
 * @example
 * ```ts
 * const pipeline = new PipelineDepth();
 * pipeline.record(0.01); // a task ran 10 µs
 * pipeline.depth();      // 200
 * ```
 */
export class PipelineDepth {
  /** Running average of task run time (ms), -1 until the first result. */
  #avgMs = -1;

  /** A task ran `ms`. */
  record(ms: number): void {
    this.#avgMs = this.#avgMs < 0 ? ms : this.#avgMs + (ms - this.#avgMs) * 0.1;
  }

  /** Jobs one worker may hold: about PIPELINE_MS of work by the running average, at least one. */
  depth(): number {
    if (this.#avgMs < 0) return 1;
    const d = Math.floor(PIPELINE_MS / Math.max(this.#avgMs, 0.001));
    return Math.max(1, Math.min(d, MAX_DEPTH));
  }
}
