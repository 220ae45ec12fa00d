/** The machine and runtime a run is measured on, for the report header and the JSON. */
import { arch, availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';
import type { MachineInfo } from './result.js';

/**
 * The 1-minute load average (0 where the platform has none).
 *
 * @example
 * ```ts
 * loadAverage1m(); // 0.42
 * ```
 */
export function loadAverage1m(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

/**
 * True when the load average says other work competed for the cores during a run.
 *
 * @example
 * ```ts
 * if (wasBusy(result.machine)) console.warn('noisy figures');
 * ```
 */
export function wasBusy(machine: MachineInfo): boolean {
  return Math.max(machine.loadAverage.start, machine.loadAverage.end) > machine.cores * 0.75;
}

/**
 * Describes this machine; `loadAtStart` is the load average sampled when the run began.
 *
 * @example
 * ```ts
 * machineInfo(loadAverage1m()).cores; // 2
 * ```
 */
export function machineInfo(loadAtStart: number): MachineInfo {
  return {
    platform: platform(),
    arch: arch(),
    osRelease: release(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    totalMemoryMb: Math.round(totalmem() / 2 ** 20),
    node: process.version,
    v8: process.versions.v8,
    loadAverage: { start: loadAtStart, end: loadAverage1m() },
  };
}
