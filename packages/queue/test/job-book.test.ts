import { describe, expect, it } from 'vitest';
import { JobBook, taskIdsOf } from '../src/job-book.js';
import { type Entry, newEntry } from '../src/queue-entry.js';
import type { BundlePayload, JobPayload } from '../src/wire.js';

const sink = { settle() {}, stray() {} };
const payload = (n: number): JobPayload => ({
  v: 1,
  task: { kind: 'inline', source: `() => ${n}` },
  args: '~[]',
});
const entries = (n: number): Entry[] =>
  Array.from({ length: n }, (_, i) => {
    const e = newEntry(sink, { payload: payload(i) });
    e.state = 'adding';
    return e;
  });
const bundleOf = (group: Entry[]): BundlePayload => ({
  v: 1,
  bundle: group.map((e) => e.payload as JobPayload),
});

describe('JobBook', () => {
  it('names a task alone by its job id, a bundled one by job id and index', () => {
    const book = new JobBook();
    const [alone] = entries(1) as [Entry];
    book.register('7', [alone], alone.payload as JobPayload, 0);
    expect(alone.id).toBe('7');
    expect(alone.index).toBeUndefined();
    const group = entries(3);
    book.register('8', group, bundleOf(group), 0);
    expect(group.map((e) => e.id)).toEqual(['8.0', '8.1', '8.2']);
    expect(book.entry('8.1')).toBe(group[1]);
    expect(group.every((e) => e.state === 'added')).toBe(true);
    expect(taskIdsOf('8', 3)).toEqual(['8.0', '8.1', '8.2']);
    expect(taskIdsOf('7', 1)).toEqual(['7']);
  });

  it('a job leaves the book only when its last task leaves it', () => {
    const book = new JobBook();
    const group = entries(2);
    book.register('9', group, bundleOf(group), 0);
    expect(book.leave(group[0] as Entry)).toBe(false);
    expect(book.entry('9.0')).toBeUndefined();
    expect(book.jobs.get('9')?.members).toEqual([group[1]]);
    expect(book.leave(group[1] as Entry)).toBe(true);
    expect(book.jobs.has('9')).toBe(false);
  });

  it('tasks settled while their add was on its way are returned, not booked; none left: no record', () => {
    const book = new JobBook();
    const group = entries(3);
    (group[1] as Entry).state = 'done';
    const { record, aborted } = book.register('10', group, bundleOf(group), 0);
    expect(aborted).toEqual([group[1]]);
    expect(record?.members).toEqual([group[0], group[2]]);
    expect(book.entry('10.1')).toBeUndefined();
    const gone = entries(1);
    (gone[0] as Entry).state = 'done';
    expect(book.register('11', gone, payload(0), 0).record).toBeUndefined();
    expect(book.jobs.has('11')).toBe(false);
  });

  it("rewrites a bundle's stored data with a task marked cancelled, one task after another", () => {
    const book = new JobBook();
    const group = entries(3);
    const data = bundleOf(group);
    const { record } = book.register('12', group, data, 0);
    const first = book.cancelInData(record!, group[0] as Entry, 'aborted by the caller');
    expect(first?.previous).toBe(JSON.stringify(data));
    const next = JSON.parse(first?.next as string) as BundlePayload;
    expect(next.bundle[0]).toEqual({ v: 1, cancelled: 'aborted by the caller' });
    expect(next.bundle[1]).toEqual(data.bundle[1]);
    const second = book.cancelInData(record!, group[2] as Entry, 'closed');
    expect(second?.previous).toBe(first?.next);
    expect(
      (JSON.parse(second?.next as string) as BundlePayload).bundle.filter((t) => 'cancelled' in t),
    ).toHaveLength(2);
    // A task alone in its job is removed with its job, not rewritten.
    const [alone] = entries(1) as [Entry];
    const single = book.register('13', [alone], alone.payload as JobPayload, 0).record;
    expect(book.cancelInData(single!, alone, 'x')).toBeUndefined();
  });
});
