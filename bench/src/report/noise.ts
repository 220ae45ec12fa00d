/**
 * Figures the bench knows cannot be results: a speedup above what the machine can give (its core count,
 * or 1 for tasks that run on the host's own thread), or a ratio from too few samples. They are shown as
 * noise, never as findings.
 */
import type { MachineInfo, SubjectInfo } from '../result.js';

/** A latency ratio needs at least this many samples of the subject to mean anything. */
export const MIN_RATIO_SAMPLES = 10;

/** How far above the physical limit a measured speedup may be before it is noise (timer jitter). */
const SPEEDUP_TOLERANCE = 1.1;

/**
 * The largest speedup over serial a subject can reach on this machine: 1 for tasks on the host's own
 * thread (cooperative, p-limit), else the core count.
 *
 * @example
 * ```ts
 * maxSpeedup(cooperative, machine); // 1
 * maxSpeedup(pool, { ...machine, cores: 2 }); // 2
 * ```
 */
export function maxSpeedup(
  subject: Pick<SubjectInfo, 'features'>,
  machine: Pick<MachineInfo, 'cores'>,
): number {
  return subject.features.inProcess ? 1 : Math.max(1, machine.cores);
}

/**
 * Whether a measured speedup is physically impossible here (above {@link maxSpeedup} by more than 10%).
 *
 * @example
 * ```ts
 * speedupIsNoise(1.64, cooperative, machine); // true
 * speedupIsNoise(2.9, pool, { ...machine, cores: 2 }); // true
 * speedupIsNoise(1.9, pool, { ...machine, cores: 2 }); // false
 * ```
 */
export function speedupIsNoise(
  speedup: number,
  subject: Pick<SubjectInfo, 'features'>,
  machine: Pick<MachineInfo, 'cores'>,
): boolean {
  return speedup > maxSpeedup(subject, machine) * SPEEDUP_TOLERANCE;
}
