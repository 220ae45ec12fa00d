/**
 * The worker's job loop polls its port for a moment after a lone job (the next request of a caller that
 * awaits each result usually follows at once), but only while such polls find the next job: when most
 * find nothing it polls only now and then, and polls again after every lone job once they pay.
 */
import type { Runtime } from '@isolane/core/runtime';
import { describe, expect, it, vi } from 'vitest';
import { TO_WORKER_JOBS } from '../src/protocol.js';
import { createJobLoop } from '../src/worker-loop.js';
import type { EntryTransport } from '../src/worker-transport.js';

// Polling is off on one core: this test is about the rule on more.
vi.mock('node:os', async (importOriginal) => ({
  ...(await importOriginal<typeof import('node:os')>()),
  availableParallelism: () => 2,
}));

/** A synchronous runtime: every job answers at once. */
const runtime = { start: () => ({ ok: true, value: 0, ms: 0 }) } as unknown as Runtime;
const SPEC = { ref: 0, spec: { kind: 'inline', source: '() => 0' } };

function harness() {
  let polls = 0;
  /** Jobs the caller has ready: a poll takes the next one. */
  let supply = 0;
  const transport: EntryTransport = {
    bootstrap: undefined,
    tsx: undefined,
    maxHeapBytes: 0,
    maxResultMb: 0,
    preload: [],
    canPoll: true,
    post: () => {},
    poll: () => {
      polls++;
      if (supply === 0) return undefined;
      supply--;
      return job();
    },
    markStarted: () => {},
    flush: () => {},
    hold: () => {},
    onMessage: () => {},
  };
  const answered: number[] = [];
  const loop = createJobLoop(runtime, transport, (id) => answered.push(id));
  let id = 0;
  const job = (): unknown[] => [TO_WORKER_JOBS, id++, id === 1 ? SPEC : 0, []];
  return {
    answered,
    /** A lone job arrives as a message event, none follows; true if the worker polled after it. */
    lone(): boolean {
      const before = polls;
      loop.receive(job());
      return polls > before;
    },
    /**
     * `n` requests in a row, each sent once the previous one is answered: a polling worker takes it from
     * its port, a sleeping one as a message event. Returns, per request, whether a poll took it.
     */
    stream(n: number): boolean[] {
      const byPoll: boolean[] = [false];
      supply = n - 1;
      loop.receive(job());
      while (byPoll.length < n) {
        const left = supply;
        if (left === n - byPoll.length) {
          supply--;
          byPoll.push(false);
          loop.receive(job());
        } else byPoll.push(true);
      }
      return byPoll;
    },
  };
}

describe('the poll after a lone job', () => {
  it('stops after polls that find nothing, probes now and then, and resumes once polls find jobs', () => {
    const h = harness();
    const polled: boolean[] = [];
    for (let i = 0; i < 40; i++) polled.push(h.lone());
    expect(h.answered).toHaveLength(40);
    // The first lone jobs poll; once most polls found nothing, one lone job in 8 still does.
    expect(polled.slice(0, 3)).toEqual([true, true, true]);
    const later = polled.slice(8).filter(Boolean).length;
    expect(later).toBeGreaterThanOrEqual(3);
    expect(later).toBeLessThanOrEqual(5);
    // A caller that sends each request as soon as it has the answer: the probes find its requests, and
    // then every request is taken by the poll after the one before.
    const byPoll = h.stream(300);
    expect(h.answered).toHaveLength(340);
    expect(byPoll.slice(0, 20).filter(Boolean).length).toBeLessThan(20);
    expect(byPoll.slice(200)).toEqual(new Array(100).fill(true));
  });

  it('polls after every lone job while its polls find the next one', () => {
    const h = harness();
    const byPoll = h.stream(100);
    expect(h.answered).toHaveLength(100);
    expect(byPoll.slice(1)).toEqual(new Array(99).fill(true));
  });
});
