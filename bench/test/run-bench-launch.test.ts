// How runBench launches its timed units: through its launcher (by default a WaitGroup on the fork driver,
// see test/child/unit-launcher.test.ts), each unit's progress reports going to the progress bar under the
// unit's label, and a failing unit reported exactly as before (its message and the tail of its stderr).
import { describe, expect, it } from 'vitest';
import type { ChildOutcome } from '../src/child/run-in-child.js';
import type { UnitLauncher } from '../src/child/unit-launcher.js';
import type { Progress } from '../src/progress.js';
import { runBench } from '../src/run-bench.js';

function recorder(): Progress & { notes: [string, string][]; ticks: [string, string][] } {
  const notes: [string, string][] = [];
  const ticks: [string, string][] = [];
  return {
    notes,
    ticks,
    start() {},
    begin() {},
    tick: (label, note) => void ticks.push([label, note]),
    note: (label, text) => void notes.push([label, text]),
    stop() {},
  };
}

function scripted(outcome: ChildOutcome, reports: readonly string[]): UnitLauncher & { closed: number } {
  const launcher = {
    closed: 0,
    async run(_unit: unknown, _options: unknown, onProgress?: (text: string) => void) {
      for (const r of reports) onProgress?.(r);
      return outcome;
    },
    async close() {
      launcher.closed++;
    },
  };
  return launcher;
}

describe('runBench with a launcher', () => {
  it("shows each unit's progress under its label and reports a failing unit as before", async () => {
    const progress = recorder();
    const launcher = scripted(
      { status: 'error', message: 'Error: boom', ms: 5, stderr: 'first line\nsecond line\nlast line' },
      ['warm-up, then 100 tasks', 'still going'],
    );
    const result = await runBench({
      command: 'throughput',
      measures: ['throughput'],
      quick: true,
      drivers: [],
      peers: ['p-limit'],
      progress,
      launcher,
    });
    expect(progress.notes).toEqual([
      ['throughput p-limit', 'warm-up, then 100 tasks'],
      ['throughput p-limit', 'still going'],
    ]);
    expect(result.throughput?.[0]).toMatchObject({
      subject: 'p-limit',
      tasksPerSecond: 0,
      error: 'Error: boom: second line | last line',
    });
    expect(progress.ticks).toEqual([['throughput p-limit', 'error']]);
    expect(launcher.closed).toBe(1);
  });

  it('a unit that died or hung reads as before', async () => {
    const killed = await runBench({
      command: 'throughput',
      measures: ['throughput'],
      quick: true,
      drivers: [],
      peers: ['p-limit'],
      launcher: scripted({ status: 'killed', exitCode: null, signal: 'SIGKILL', ms: 5, stderr: '' }, []),
    });
    expect(killed.throughput?.[0]?.error).toBe('the measuring process died (SIGKILL)');
    const hung = await runBench({
      command: 'throughput',
      measures: ['throughput'],
      quick: true,
      drivers: [],
      peers: ['p-limit'],
      launcher: scripted({ status: 'hung', ms: 45_000, stderr: '' }, []),
    });
    expect(hung.throughput?.[0]?.error).toBe('did not finish within 45 s');
  });
});
