import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import type { Driver, Job, JobSink } from '../src/driver.js';
import { makeFailure } from '../src/failure.js';
import { GroupSlot, SettledRoute, type SlotHooks } from '../src/group-slot.js';
import type { Result } from '../src/result.js';
import { WaitGroup } from '../src/wait-group.js';

const late = makeFailure('threw', 'a timer it left behind threw', { name: 'Error' });
const ok: Result<unknown> = { ok: true, value: 1, ms: 0 };

/** A driver that keeps every sink it was given (as the pool keeps settled jobs' sinks for late errors). */
class KeepingDriver implements Driver {
  readonly name = 'keeping';
  readonly sinks: JobSink[] = [];
  start(_job: Job, sink: JobSink) {
    this.sinks.push(sink);
    queueMicrotask(() => sink.settle(ok));
    return { abort: () => {} };
  }
  async close() {}
}

function hooksSpy() {
  return { settle: vi.fn(), stray: vi.fn(), fromTask: vi.fn() } satisfies SlotHooks<object>;
}

describe('GroupSlot', () => {
  it('reaches its group while open', () => {
    const hooks = hooksSpy();
    const group = {};
    const slot = new GroupSlot(hooks, group, 3);
    slot.settle(ok);
    slot.stray(late);
    slot.fromTask({ t: 'msg', v: 'hi' });
    expect(hooks.settle).toHaveBeenCalledWith(group, 3, ok);
    expect(hooks.stray).toHaveBeenCalledWith(group, 3, late);
    expect(hooks.fromTask).toHaveBeenCalledWith(group, 3, { t: 'msg', v: 'hi' });
  });

  it('once detached: ignores a second result, sends late errors to onError, counts late messages', () => {
    const hooks = hooksSpy();
    const onError = vi.fn();
    const route = new SettledRoute(onError);
    const slot = new GroupSlot(hooks, {}, 2);
    slot.handle = { abort: () => {} };
    slot.detach(route);
    slot.settle(ok);
    slot.stray(late);
    slot.fromTask({ t: 'msg', v: 'too late' });
    slot.fromTask({ t: 'progress', v: 0.5 });
    expect(hooks.settle).not.toHaveBeenCalled();
    expect(hooks.stray).not.toHaveBeenCalled();
    expect(hooks.fromTask).not.toHaveBeenCalled();
    expect(onError).toHaveBeenCalledWith(late, 2);
    expect(route.dropped).toBe(1);
    expect(slot.handle).toBeUndefined();
  });
});

describe('a settled slot kept by its driver', () => {
  it('still routes a late error to the group onError and counts a late message on the group', async () => {
    const driver = new KeepingDriver();
    const onError = vi.fn();
    const wg = new WaitGroup({ driver, onError });
    wg.go((x: number) => x, 1);
    wg.go((x: number) => x, 2);
    const results = await wg.wait();
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    driver.sinks[1]!.settle({ ok: false, error: late, ms: 0 }); // a second result: ignored
    driver.sinks[1]!.stray(late);
    driver.sinks[0]!.fromTask?.({ t: 'msg', v: 'after the end' });
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith(late, 1);
    expect(wg.droppedMessages).toBe(1);
    expect((await wg.wait())[1]).toEqual(ok);
  });

  it('does not keep the group alive', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const driver = new KeepingDriver();
    const ref = await (async () => {
      const wg = new WaitGroup({ driver, onError: () => {} });
      wg.go((x: number) => x, 1);
      await wg.wait();
      return new WeakRef(wg);
    })();
    // A WeakRef's target lives at least until the current job ends: collect after each turn, bounded.
    for (let i = 0; i < 50 && ref.deref() !== undefined; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    expect(ref.deref()).toBeUndefined();
    expect(driver.sinks).toHaveLength(1); // the driver still holds the slot
  });
});
