/**
 * The pool believes a worker thread's start counter only within bounds. The counter is out of a task's
 * reach (it comes in the worker's private first message); a preload that hands it to the task stands
 * for a worker whose machinery was subverted. A task that writes a value past the jobs sent, or one that
 * goes back, and then loops forever still fails by its timeout, the task queued behind it on the same
 * worker gets its value, and the pool keeps serving — it is not re-run elsewhere over and over.
 */
import { fileURLToPath } from 'node:url';
import type { Result } from '@isolane/core';
import { runNode } from '@isolane/core/testing';
import { describe, expect, it } from 'vitest';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

type Report = Record<
  string,
  { hit: Result<unknown>; sibling: Result<unknown>; next: Result<unknown>; ms: number }
>;

describe('a start counter that lies', () => {
  it('past the jobs sent, or backwards: the liar times out, its sibling and the next task run', async () => {
    const args = ['--import', './counter-preload.mjs', 'counter-host.mjs', '1000000000', '-5'];
    const run = await runNode(args, fixtures, 60_000);
    expect(run.timedOut, `the pool wedged: ${run.err}`).toBe(false);
    expect(run.code, run.err).toBe(0);
    const report = JSON.parse(run.out.trim().split('\n').at(-1)!) as Report;
    for (const value of ['1000000000', '-5']) {
      const { hit, sibling, next, ms } = report[value]!;
      expect(hit, `counter ${value}`).toMatchObject({ ok: false, error: { kind: 'timeout' } });
      expect(sibling).toMatchObject({ ok: true, value: 'sibling' });
      expect(next).toMatchObject({ ok: true, value: 'after' });
      // 300 ms timeout, at most ~1 s of answer grace: bounded, not a retry loop.
      expect(ms).toBeLessThan(15_000);
    }
  }, 90_000);
});
