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
    // A scripted CPU clock: the real one also counts the test runner's own work in this process.
    const quiet = await measureSpinCost(cpuSession(0, 0, 0), { tasks: 100, idleMs: 300, readCpuMs: () => 5 });
    expect(quiet.spinMs).toBe(0);
    expect(quiet.idleCpuMs).toBe(0);
    expect(quiet.idleMs).toBeGreaterThanOrEqual(300);
  }, 30_000);

  it('calls the windows spinning while the CPU clock runs at a full core, and only those', async () => {
    let end = 0;
    // A full core of CPU for the first 60 ms after the burst (wall time stands for CPU), then none.
    const session: Session = {
      run: async () => {
        end = performance.now();
      },
      runMany: async () => 0,
      close: async () => {},
    };
    const readCpuMs = (): number => {
      const since = performance.now() - end;
      return since <= 0 ? 0 : Math.min(since, 60);
    };
    const spin = await measureSpinCost(session, { tasks: 10, idleMs: 300, readCpuMs });
    // The last spinning window ends near the 60 ms mark (a window straddling it counts only if a fifth
    // of it was CPU), never in the idle rest: windows are 10 ms, longer on a slow machine.
    expect(spin.spinMs).toBeGreaterThanOrEqual(40);
    expect(spin.spinMs).toBeLessThan(250);
    expect(spin.idleCpuMs).toBeGreaterThan(40);
    expect(spin.idleCpuMs).toBeLessThanOrEqual(60);
  }, 30_000);

  it('rejects bad sizes naming the option', async () => {
    const quiet = cpuSession(0, 0, 0);
    await expect(measureSpinCost(quiet, { tasks: 0, idleMs: 100 })).rejects.toThrow(/tasks/);
    await expect(measureSpinCost(quiet, { tasks: 10, idleMs: 1 })).rejects.toThrow(/idleMs/);
  });
});
