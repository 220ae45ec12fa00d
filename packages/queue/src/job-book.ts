/**
 * The producer's book of what it has in Redis: each entry by its task id, each BullMQ job with the
 * entries it still carries. A job carries one task, or several short ones (a bundle: bundle-policy.ts);
 * it leaves the book once no entry waits on it any more, and is then removed from Redis.
 */
import type { Entry, JobRecord } from './queue-entry.js';
import { type BundlePayload, type JobPayload, taskId } from './wire.js';

/**
 * Entries and jobs in Redis.
 *
 * @example
 * ```ts
 * const book = new JobBook();
 * const { aborted } = book.register('17', [a, b], { v: 1, bundle: [a.payload, b.payload] }, performance.now());
 * book.entry('17.1'); // b
 * if (book.leave(b) === false) {} // '17' still carries a
 * ```
 */
export class JobBook {
  /** Entries in Redis by task id. */
  readonly byId = new Map<string, Entry>();
  /** Jobs in Redis by BullMQ id. */
  readonly jobs = new Map<string, JobRecord>();

  /**
   * Job `job` was added for `group`: each entry gets its job, index and task id and is now `added` —
   * except those settled (aborted) while the add was on its way, returned in `aborted`. `record` is
   * undefined when none is left.
   */
  register(
    job: string,
    group: readonly Entry[],
    payload: JobPayload | BundlePayload,
    now: number,
  ): { readonly record: JobRecord | undefined; readonly aborted: readonly Entry[] } {
    const bundled = group.length > 1;
    const record: JobRecord = {
      members: [],
      size: group.length,
      addedAt: now,
      reading: false,
      unlockedAt: 0,
      ...(bundled ? { data: payload as BundlePayload } : {}),
    };
    const aborted: Entry[] = [];
    for (const [i, entry] of group.entries()) {
      entry.job = job;
      entry.index = bundled ? i : undefined;
      entry.id = taskId(job, entry.index);
      if (entry.state === 'done') {
        aborted.push(entry);
        continue;
      }
      entry.state = 'added';
      this.byId.set(entry.id, entry);
      record.members.push(entry);
    }
    if (record.members.length === 0) return { record: undefined, aborted };
    this.jobs.set(job, record);
    return { record, aborted };
  }

  /** The entry of a task id, while in Redis. */
  entry(id: string): Entry | undefined {
    return this.byId.get(id);
  }

  /**
   * An entry leaves its job (settled, or added again in another job). True when its job is left by all
   * (and out of the book: it can be removed from Redis).
   */
  leave(entry: Entry): boolean {
    if (entry.id !== undefined) this.byId.delete(entry.id);
    const job = entry.job;
    const record = job === undefined ? undefined : this.jobs.get(job);
    if (job === undefined || record === undefined) return false;
    const at = record.members.indexOf(entry);
    if (at >= 0) record.members.splice(at, 1);
    if (record.members.length > 0) return false;
    this.jobs.delete(job);
    return true;
  }

  /**
   * The stored data of a bundle before and after one of its tasks is marked cancelled (JSON text, as
   * BullMQ stores it): a worker that takes the job later skips that task. Undefined for a task alone.
   */
  cancelInData(
    record: JobRecord,
    entry: Entry,
    reason: string,
  ): { readonly previous: string; readonly next: string } | undefined {
    const data = record.data;
    if (data === undefined || entry.index === undefined) return undefined;
    const previous = JSON.stringify(data);
    const bundle = [...data.bundle];
    bundle[entry.index] = { v: 1, cancelled: reason };
    record.data = { v: 1, bundle };
    return { previous, next: JSON.stringify(record.data) };
  }
}

/**
 * The task ids of every task a job carries.
 *
 * @example
 * ```ts
 * taskIdsOf('17', 1); // ['17']
 * taskIdsOf('17', 2); // ['17.0', '17.1']
 * ```
 */
export function taskIdsOf(job: string, size: number): string[] {
  return size === 1 ? [job] : Array.from({ length: size }, (_, i) => taskId(job, i));
}
