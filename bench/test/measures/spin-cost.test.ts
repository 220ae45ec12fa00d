import { describe, expect, it } from 'vitest';
import { measureSpinCost } from '../../src/measures/spin-cost.js';
import type { Session } from '../../src/subjects/subject.js';

/** Burns `ms` of CPU time on this thread (CPU, not wall time: a busy machine may take longer). */
function burn(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return;
  }
}

/** A session whose run costs `perTaskMs` of CPU, and that burns `afterMs` once its last expected run is done. */
function cpuSession(perTaskMs: number, lastRun: number, afterMs: number): Session {
  let runs = 0;
  return {
    run: async () => {
      burn(perTaskMs);
      if (++runs === lastRun && afterMs > 0) setTimeout(() => burn(afterMs), 0);
    },
    runMany: async () => 0,
    close: async () => {},
  };
}

describe('measureSpinCost', () => {
  it('counts the CPU of the round trips and of a spin left running after them', async () => {
    const tasks = 200;
    // 50 warm-up runs come first; the last measured one leaves 80 ms of CPU behind.
    const spin = await measureSpinCost(cpuSession(0.2, 50 + tasks, 80), { tasks, idleMs: 400 });
    expect(spin.tasks).toBe(tasks);
    expect(spin.burstCpuMs).toBeGreaterThanOrEqual(tasks * 0.2 * 0.9);
    expect(spin.cpuMsPerThousand).toBeCloseTo((spin.burstCpuMs * 1000) / tasks, 6);
    expect(spin.idleMs).toBeGreaterThanOrEqual(400);
    expect(spin.idleCpuMs).toBeGreaterThanOrEqual(70);
    expect(spin.spinMs).toBeGreaterThanOrEqual(70);
    expect(spin.childProcesses).toBe(0);
  }, 30_000);

  it('finds no spin in a session that goes quiet after its last result', async () => {
    const spin = await measureSpinCost(cpuSession(0, 0, 0), { tasks: 100, idleMs: 300 });
    expect(spin.spinMs).toBe(0);
    expect(spin.idleCpuMs).toBeLessThan(spin.idleMs * 0.5);
  }, 30_000);

  it('rejects bad sizes naming the option', async () => {
    const quiet = cpuSession(0, 0, 0);
    await expect(measureSpinCost(quiet, { tasks: 0, idleMs: 100 })).rejects.toThrow(/tasks/);
    await expect(measureSpinCost(quiet, { tasks: 10, idleMs: 1 })).rejects.toThrow(/idleMs/);
  });
});
