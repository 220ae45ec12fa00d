import { describe, expect, it } from 'vitest';
import { SlotQueue } from '../../src/subjects/slot-queue.js';

describe('SlotQueue', () => {
  it('starts jobs synchronously up to the limit, then one per freed slot, in order', () => {
    const queue = new SlotQueue(2);
    const started: number[] = [];
    const done: (() => void)[] = [];
    for (let i = 0; i < 5; i++) {
      queue.start((free) => {
        started.push(i);
        done[i] = free;
      });
    }
    expect(started).toEqual([0, 1]);
    done[1]!();
    done[1]!(); // a second call frees nothing more
    expect(started).toEqual([0, 1, 2]);
    done[0]!();
    expect(started).toEqual([0, 1, 2, 3]);
    queue.clear();
    done[2]!();
    done[3]!();
    expect(started).toEqual([0, 1, 2, 3]);
    queue.start(() => started.push(9));
    expect(started).toEqual([0, 1, 2, 3, 9]);
  });
});
