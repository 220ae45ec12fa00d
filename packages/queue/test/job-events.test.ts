import type { Result } from '@isolane/core/driver-kit';
import { describe, expect, it } from 'vitest';
import { JobBook } from '../src/job-book.js';
import { JobEvents } from '../src/job-events.js';
import { type Entry, newEntry } from '../src/queue-entry.js';
import { encode, type JobPayload } from '../src/wire.js';

const payload: JobPayload = { v: 1, task: { kind: 'inline', source: '() => 1' }, args: '~[]' };

function setup() {
  const book = new JobBook();
  const settled: [string | undefined, Result<unknown>, string | undefined][] = [];
  const reads: string[] = [];
  let adds = 0;
  const events = new JobEvents({
    book,
    pendingAdds: () => adds,
    settleOutcome: (entry, result, mark) => {
      settled.push([entry.id, result, mark]);
      entry.state = 'done';
      book.leave(entry);
    },
    read: (job) => reads.push(job),
  });
  const add = (job: string, n: number): Entry[] => {
    const group = Array.from({ length: n }, () => {
      const e = newEntry({ settle() {}, stray() {} }, { payload });
      e.state = 'adding';
      return e;
    });
    book.register(job, group, n === 1 ? payload : { v: 1, bundle: group.map(() => payload) }, 0);
    return group;
  };
  return { book, events, settled, reads, add, setAdds: (n: number) => (adds = n) };
}

const ok = (value: unknown) => ({ r: encode({ ok: true, value, ms: 1 }) });

describe('JobEvents', () => {
  it("a bundle's completed event settles each task from its own part of the value, with its mark", () => {
    const { events, settled, reads, add } = setup();
    add('5', 3);
    events.completed('5', { b: [ok('a'), { ...ok('b'), m: '9-1' }, ok('c')] });
    expect(settled.map(([id, r, m]) => [id, (r as { value: unknown }).value, m])).toEqual([
      ['5.0', 'a', undefined],
      ['5.1', 'b', '9-1'],
      ['5.2', 'c', undefined],
    ]);
    expect(reads).toEqual([]);
  });

  it('a failed event, or a value that cannot be read, sends the driver to the stored state', () => {
    const { events, settled, reads, add } = setup();
    add('6', 1);
    events.failed('6');
    add('7', 2);
    events.completed('7', { b: [{ r: 'garbage@@' }] });
    add('8', 2);
    events.completed('8', 'not an outcome');
    expect(settled).toEqual([]);
    expect(reads).toEqual(['6', '7', '8']);
  });

  it('an event that outran its add waits for it while adds are pending, and is dropped once none is', () => {
    const { events, settled, add, setAdds } = setup();
    setAdds(1);
    events.completed('9', ok(1));
    events.completed('10', ok(2));
    add('9', 1);
    events.added('9');
    expect(settled.map(([id]) => id)).toEqual(['9']);
    setAdds(0);
    events.addsDone();
    add('10', 1);
    events.added('10');
    expect(settled.map(([id]) => id)).toEqual(['9']);
    // With no add pending, an unknown job's event is not this driver's: nothing is kept.
    events.completed('11', ok(3));
    add('11', 1);
    events.added('11');
    expect(settled.map(([id]) => id)).toEqual(['9']);
  });
});
