import { describe, expect, it } from 'vitest';
import { recommend } from '../../dist/task/recommend.js';
import { runner } from '../fixtures/task-figures.js';

describe('recommend', () => {
  it('picks the highest throughput and quotes its overhead over the bare task', () => {
    const rec = recommend({
      runners: [
        runner('serial', 3.1, 0),
        runner('cooperative', 3.11, 320),
        runner('thread', 28, 70),
        runner('fork', 64, 30),
        runner('pool', 3.114, 620),
      ],
      divergences: [],
      cores: 2,
    });
    expect(rec.driver).toBe('pool');
    expect(rec.reasons[0]).toBe('pool: 14.0 µs overhead on a 3.10 ms task (0.5%)');
    expect(rec.reasons[1]).toContain('2.07× over serial on 2 cores, 620/s with 2 in flight');
    expect(rec.reasons).toContain(
      'best throughput of the drivers that agree, against the bare task: 2.07× vs cooperative 1.07×',
    );
    // What the others would cost, from their p50s against the winner's.
    expect(rec.warnings).toContain(
      'fork only if the task loads native code that must not crash your process (+60.9 ms per task)',
    );
    expect(rec.warnings.some((w) => w.startsWith('thread only if') && w.includes('+24.9 ms'))).toBe(true);
  });

  it('excludes cooperative when a call holds the thread 1 ms or more, even with the best throughput', () => {
    const runners = [
      runner('serial', 5, 0, { blockingMs: 4.8 }),
      runner('cooperative', 5.01, 900),
      runner('pool', 5.02, 390),
    ];
    const rec = recommend({ runners, divergences: [], cores: 2 });
    expect(rec.driver).toBe('pool');
    expect(
      rec.warnings.some((w) => w.startsWith('cooperative: not recommended') && w.includes('4.80 ms')),
    ).toBe(true);
  });

  it('keeps cooperative for a call that returns at once (an async, I/O-bound task)', () => {
    const runners = [
      runner('serial', 5, 0, { blockingMs: 0.02 }),
      runner('cooperative', 5.01, 900),
      runner('pool', 5.02, 390),
    ];
    const rec = recommend({ runners, divergences: [], cores: 2 });
    expect(rec.driver).toBe('cooperative');
    expect(rec.warnings.some((w) => w.startsWith('cooperative isolates nothing'))).toBe(true);
  });

  it('does not recommend a driver whose results differ from the serial reference while another agrees', () => {
    const runners = [runner('serial', 1, 0), runner('thread', 25, 80), runner('pool', 1.01, 1900)];
    const rec = recommend({ runners, divergences: [{ id: 'pool', tasks: [1, 2] }], cores: 2 });
    expect(rec.driver).toBe('thread');
    expect(rec.warnings[0]).toMatch(/^pool: results differ from a serial run in one thread \(task #2, #3\)/);
    expect(rec.warnings.some((w) => w.includes('maxTasksPerWorker: 1'))).toBe(true);
  });

  it('prefers drivers without failures, and lists the failure kinds', () => {
    const runners = [
      runner('serial', 2, 0),
      runner('pool', 2.01, 900, { failures: { timeout: 2 }, tasksRun: 50 }),
      runner('thread', 30, 60),
    ];
    const rec = recommend({ runners, divergences: [], cores: 2 });
    expect(rec.driver).toBe('thread');
    expect(rec.warnings).toContain('pool: 2 of 50 tasks failed (timeout ×2)');
  });

  it('recommends nothing when every driver failed, and says why', () => {
    const failed = {
      warm: null,
      throughput: null,
      error: 'the first 3 tasks all failed; gave up',
      failures: { threw: 3 },
      firstFailure: { kind: 'threw', name: 'RangeError', message: 'cannot handle 1' },
    };
    const runners = [
      runner('serial', 1, 0, failed),
      runner('cooperative', 1, 1, failed),
      runner('pool', 1, 1, failed),
    ];
    const rec = recommend({ runners, divergences: [], cores: 2 });
    expect(rec.driver).toBeNull();
    expect(rec.headline).toBe('no driver ran the task: threw: RangeError: cannot handle 1');
    expect(rec.warnings).toContain('pool: 3 of 120 tasks failed (threw ×3)');
  });

  it('measures the overhead against the direct calls paired with the samples, when there are some', () => {
    // Under more load than the serial run saw, the bare task itself took 3.5 ms next to the pool's samples.
    const runners = [
      runner('serial', 3.1, 0),
      runner('pool', 3.52, 600, {
        pairedSerial: { n: 9, min: 3.4, p50: 3.5, p95: 3.7, p99: 3.8, max: 3.8, mean: 3.55 },
      }),
    ];
    const rec = recommend({ runners, divergences: [], cores: 2 });
    expect(rec.reasons[0]).toBe('pool: 20.0 µs overhead on a 3.50 ms task (0.6%)');
  });

  it('ranks by speedup over the bare task measured in the same process, not by raw tasks/s', () => {
    // The thread host ran while the machine was quieter: more tasks/s, but a lower speedup over the
    // bare task timed next to it.
    const busy = { tasks: 100, concurrency: 2, cpuCores: 1, wallMs: 10_000 };
    const runners = [
      runner('serial', 100, 0),
      runner('thread', 150, 10, { throughput: { ...busy, tasksPerSecond: 10, speedup: 1.1 } }),
      runner('pool', 101, 7, { throughput: { ...busy, tasksPerSecond: 7, speedup: 1.8 } }),
    ];
    const rec = recommend({ runners, divergences: [], cores: 2 });
    expect(rec.driver).toBe('pool');
    expect(rec.reasons).toContain(
      'best throughput of the drivers that agree, against the bare task: 1.80× vs thread 1.10×',
    );
  });

  it('breaks a throughput tie (within 10%) by the lower overhead per task', () => {
    const runners = [runner('serial', 100, 0), runner('thread', 180, 5.3), runner('pool', 100.5, 4.9)];
    const rec = recommend({ runners, divergences: [], cores: 2 });
    expect(rec.driver).toBe('pool');
    expect(rec.reasons).toContain(
      'throughput within 10% of the best (0.02× vs thread 0.02×): the lowest overhead per task decides',
    );
    // Beyond 10% the faster one wins, whatever its overhead.
    const clear = recommend({
      runners: [runner('serial', 100, 0), runner('thread', 180, 5.6), runner('pool', 100.5, 4.9)],
      divergences: [],
      cores: 2,
    });
    expect(clear.driver).toBe('thread');
  });

  it('warns, last, when the machine was busy during the run', () => {
    const runners = [runner('serial', 3, 0), runner('pool', 3.01, 600)];
    const quiet = recommend({ runners, divergences: [], cores: 2, load: { start: 0.4, end: 1.2 } });
    expect(quiet.warnings.some((w) => w.startsWith('the machine was busy'))).toBe(false);
    const busy = recommend({ runners, divergences: [], cores: 2, load: { start: 1.2, end: 3.4 } });
    expect(busy.warnings.at(-1)).toBe(
      'the machine was busy (1-minute load 1.2 → 3.4 on 2 cores): other work competed for the cores, so ' +
        'speedups are low and small differences are noise; re-run on a quiet machine',
    );
  });

  it('says when a driver adds nothing measurable (its p50 at or below the bare task)', () => {
    const runners = [runner('serial', 88, 0), runner('pool', 78.8, 8.8, { pairedSerial: null })];
    expect(recommend({ runners, divergences: [], cores: 2 }).reasons[0]).toBe(
      'pool: no measurable overhead on a 88.0 ms task',
    );
  });

  it('says how much bigger than the task the overhead is when it dwarfs it', () => {
    const rec = recommend({
      runners: [runner('serial', 0.001, 0), runner('pool', 0.04, 20_000)],
      divergences: [],
      cores: 2,
    });
    expect(rec.reasons[0]).toBe('pool: 39.0 µs overhead on a 1.00 µs task (39.0× the task itself)');
  });
});
