/**
 * The producer's memory of jobs after their slot settled: which ones are still to be removed from Redis
 * (their outcome is read, so they may go), and, for a while, where a late error of each goes (a task's
 * timer may throw on its worker after the task returned).
 */
import type { JobSink } from '@isolane/core/driver-kit';

/** How long a settled job's late errors are still routed to its group, ms. */
export const STRAY_WINDOW_MS = 60_000;

/**
 * Settled jobs of one driver.
 *
 * @example
 * ```ts
 * const settled = new SettledJobs();
 * settled.remember('17', sink); // its late errors go to sink for a while
 * settled.discard('17');         // its job is done with: remove it
 * await link.removeSettled(settled.takeRemovals());
 * ```
 */
export class SettledJobs {
  #toRemove: string[] = [];
  readonly #recent = new Map<string, { sink: JobSink; at: number }>();

  /** A task whose slot settled: route its late errors to `sink` for a while. */
  remember(taskId: string, sink: JobSink): void {
    this.#recent.set(taskId, { sink, at: performance.now() });
  }

  /** A job no slot waits on any more (its outcomes read, or its tasks gone on in other jobs): remove it. */
  discard(jobId: string): void {
    this.#toRemove.push(jobId);
  }

  /** Jobs waiting for removal. */
  get pendingRemovals(): number {
    return this.#toRemove.length;
  }

  /** The jobs to remove now (the list is emptied). */
  takeRemovals(): string[] {
    const ids = this.#toRemove;
    this.#toRemove = [];
    return ids;
  }

  /** Where a late error of a settled task goes, while it is remembered. */
  sinkOf(taskId: string): JobSink | undefined {
    return this.#recent.get(taskId)?.sink;
  }

  /** Forgets tasks settled more than {@link STRAY_WINDOW_MS} ago. */
  expire(now: number): void {
    for (const [id, r] of this.#recent) {
      if (now - r.at < STRAY_WINDOW_MS) break;
      this.#recent.delete(id);
    }
  }
}
