/**
 * What constructing a group costs: `new WaitGroup({ driver: name })` (the shared driver by its name, as
 * a server's per-request group makes it) next to a `structuredClone` of a small object, in alternated
 * blocks in this one process (issue 15: at most 3×). Nothing is submitted, so no worker starts.
 */
import { closeSharedDrivers, type DriverName, WaitGroup } from '@isolane/core';
import type { GroupConstruction } from '../result.js';
import { ratio, summarize } from '../stats.js';

/** Constructions (and clones) per timed block. */
const BLOCK = 200;

/** The small object the clone side copies (a typical request argument). */
const SMALL = { id: 42, name: 'request', tags: ['a', 'b'], nested: { ok: true } };

/** How long the construction measure runs. */
export interface ConstructionOptions {
  /** Alternated rounds (each one block of each side). */
  readonly rounds: number;
}

function block(op: () => unknown): number {
  const t0 = performance.now();
  for (let i = 0; i < BLOCK; i++) op();
  return (performance.now() - t0) / BLOCK;
}

/**
 * Measures `new WaitGroup({ driver })` against `structuredClone` of a small object, per operation (ms),
 * and closes the shared driver the construction resolved.
 *
 * @example
 * ```ts
 * const c = await measureGroupConstruction('pool', { rounds: 20 });
 * c.ratio; // ~1.9: a group costs about two small clones
 * ```
 */
export async function measureGroupConstruction(
  driver: DriverName,
  options: ConstructionOptions,
): Promise<GroupConstruction> {
  if (!Number.isInteger(options.rounds) || options.rounds < 1)
    throw new Error(`measureGroupConstruction: rounds must be a positive integer, got ${options.rounds}`);
  const construct = (): unknown => new WaitGroup({ driver });
  const clone = (): unknown => structuredClone(SMALL);
  try {
    // Warm-up: the first construction loads the driver's settings, the first clone warms the serializer.
    block(construct);
    block(clone);
    const groups: number[] = [];
    const clones: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      if (round % 2 === 0) {
        groups.push(block(construct));
        clones.push(block(clone));
      } else {
        clones.push(block(clone));
        groups.push(block(construct));
      }
    }
    const newGroup = summarize(groups);
    const structuredCloneStats = summarize(clones);
    return {
      driver,
      perBlock: BLOCK,
      newGroup,
      structuredClone: structuredCloneStats,
      ratio: ratio(newGroup.p50, structuredCloneStats.p50) ?? 0,
    };
  } finally {
    await closeSharedDrivers();
  }
}
