/** The machine and runtime a run is measured on, for the report header and the JSON. */
import { arch, availableParallelism, cpus, platform, release, totalmem } from 'node:os';
import type { MachineInfo } from './result.js';

/**
 * Describes this machine.
 *
 * @example
 * ```ts
 * machineInfo().cores; // 2
 * ```
 */
export function machineInfo(): MachineInfo {
  return {
    platform: platform(),
    arch: arch(),
    osRelease: release(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    totalMemoryMb: Math.round(totalmem() / 2 ** 20),
    node: process.version,
    v8: process.versions.v8,
  };
}
