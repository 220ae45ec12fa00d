/**
 * What a job's finish events do to the slots of its tasks. A "completed" event's value is the one stored
 * with the job (BullMQ writes both in one atomic script): each task's slot settles from its part of it
 * without reading the job back; a "failed" event, or a value that cannot be read, sends the driver to
 * the job's stored state. An event can outrun the reply of the add that made its job (two connections):
 * while adds are unanswered, events of jobs not in the book yet wait here for them.
 */
import type { Result } from '@isolane/core/driver-kit';
import type { JobBook } from './job-book.js';
import type { Entry } from './queue-entry.js';
import { messagesMark, outcomeOf, readOutcome } from './wire.js';

/** A "failed" event (the job is read back). */
const FAILED = Symbol('failed');
/** A finish event. */
type FinishEvent = { readonly returnvalue: unknown } | typeof FAILED;

/** What the events need of the driver. */
export interface JobEventsHost {
  readonly book: JobBook;
  /** Adds whose reply has not come yet. */
  pendingAdds(): number;
  /** Settles a slot from its stored outcome (`mark`: its last message, worker-messages.ts). */
  settleOutcome(entry: Entry, result: Result<unknown>, mark: string | undefined): void;
  /** Reads the job's stored state and settles what it can. */
  read(job: string): void;
}

/**
 * Finish events of one driver's jobs.
 *
 * @example
 * ```ts
 * const events = new JobEvents(host);
 * events.completed('17', { b: [{ r: '~{"ok":true,"value":1,"ms":0}' }] });
 * ```
 */
export class JobEvents {
  readonly #host: JobEventsHost;
  readonly #early = new Map<string, FinishEvent>();

  constructor(host: JobEventsHost) {
    this.#host = host;
  }

  /** A "completed" event with the value stored with the job. */
  completed(job: string, returnvalue: unknown): void {
    this.#on(job, { returnvalue });
  }

  /** A "failed" event. */
  failed(job: string): void {
    this.#on(job, FAILED);
  }

  /** Job `job` is in the book now: an event that outran its add applies. */
  added(job: string): void {
    const early = this.#early.get(job);
    if (early === undefined) return;
    this.#early.delete(job);
    this.#on(job, early);
  }

  /** No add is waiting any more: events of unknown jobs are not for this driver. */
  addsDone(): void {
    if (this.#host.pendingAdds() === 0) this.#early.clear();
  }

  #on(job: string, event: FinishEvent): void {
    const record = this.#host.book.jobs.get(job);
    if (!record) {
      if (this.#host.pendingAdds() > 0) this.#early.set(job, event);
      return;
    }
    for (const entry of [...record.members]) {
      const stored = event === FAILED ? undefined : outcomeOf(event.returnvalue, entry.index);
      let outcome: Result<unknown> | undefined;
      try {
        outcome = stored !== undefined && entry.state === 'added' ? readOutcome(stored) : undefined;
      } catch {
        outcome = undefined;
      }
      if (outcome === undefined) {
        this.#host.read(job);
        return;
      }
      this.#host.settleOutcome(entry, outcome, messagesMark(stored));
    }
  }
}
