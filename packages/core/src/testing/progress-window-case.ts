/**
 * The conformance case of the progress window (issue 18, docs/channels.md): a task reporting progress a
 * million times in a tight loop posts at most `PROGRESS_WINDOW` reports before the caller acknowledges
 * some (then only the latest, held back), so neither its transport nor its caller grows with the number
 * of reports, and the caller still ends with the task's last value.
 */
import assert from 'node:assert/strict';
import { PROGRESS_WINDOW } from '../message-frames.js';
import type { Result } from '../result.js';
import { WaitGroup } from '../wait-group.js';
import type { ConformanceCase } from './case-types.js';
import { type FloodReport, floodValue, progressFlood } from './fixtures/progress-tasks.js';

const MiB = 1024 * 1024;

function text(r: Result<unknown> | undefined): string {
  if (r === undefined) return 'no result';
  return r.ok ? 'a value' : `${r.error.kind} ${r.error.name}: ${r.error.message}`;
}

/** Heap + external of this process's main isolate, bytes. */
function heapNow(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

const PROGRESS_FLOOD_CASE: ConformanceCase = {
  id: 'progress-window',
  title: `a task calling progress() 1e6 times in a tight loop (1 KiB values): the transport holds at most PROGRESS_WINDOW (${PROGRESS_WINDOW}) reports (task and caller memory bounded), the caller's last progress is the task's last, reports arrive in order, the slot settles ok`,
  timeout: 180_000,
  async run(ctx) {
    const count = 1_000_000;
    const bytes = 1024;
    const pad = 'p'.repeat(bytes);
    let reports = 0;
    let lastStep = 0;
    let outOfOrder = 0;
    const wg = new WaitGroup({
      driver: ctx.driver({ concurrency: 2 }),
      config: false,
      timeout: 150_000,
      onProgress: (value) => {
        const step = Number.parseInt(value as string, 10);
        if (!(step > lastStep)) outOfOrder++;
        lastStep = step;
        reports++;
      },
    });
    const before = heapNow();
    let peak = before;
    // The caller's memory while the reports come in (a driver that runs the task in this thread samples
    // only after it: nothing can queue there, every report is taken as it is made).
    const sampler = setInterval(() => {
      peak = Math.max(peak, heapNow());
    }, 10);
    let r: Result<unknown> | undefined;
    try {
      const slot = wg.go(progressFlood, count, bytes);
      [r] = await wg.wait();
      peak = Math.max(peak, heapNow());
      assert.ok(r?.ok, text(r));
      const report = r.value as FloodReport;
      const final = floodValue(count, pad);
      assert.equal(report.last, final, 'the task reported something else last');
      assert.equal(wg.progress(slot), final, "the caller's last progress value is not the task's last");
      assert.equal(lastStep, count, 'onProgress did not get the last report');
      assert.ok(reports >= 1 && reports <= count);
      assert.equal(outOfOrder, 0, 'progress reports arrived out of order');
      // Unbounded, a million 1 KiB reports queue up to ~1 GiB on the transport (in the task's process for a
      // child, in the caller's for a thread); the window bounds it to a few KiB.
      assert.ok(
        report.rssGrowth < 128 * MiB,
        `the task's process grew by ${(report.rssGrowth / MiB).toFixed(1)} MiB over the loop`,
      );
      assert.ok(
        report.heapGrowth < 64 * MiB,
        `the task's heap grew by ${(report.heapGrowth / MiB).toFixed(1)} MiB over the loop`,
      );
      assert.ok(
        peak - before < 64 * MiB,
        `the caller's memory grew by ${((peak - before) / MiB).toFixed(1)} MiB`,
      );
    } finally {
      clearInterval(sampler);
    }
  },
};

/**
 * The progress-window case (appended to the registry).
 *
 * @example
 * ```ts
 * for (const c of PROGRESS_WINDOW_CASES) await c.run(ctx);
 * ```
 */
export const PROGRESS_WINDOW_CASES: readonly ConformanceCase[] = [PROGRESS_FLOOD_CASE];
