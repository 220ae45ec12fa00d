/**
 * Every subject of the bench in report order (drivers, then raw baselines, then peers) and the
 * `--drivers` / `--peers` selection.
 */
import { isolaneSubjects } from './isolane.js';
import { pLimitCloneSubject, pLimitSubject } from './p-limit.js';
import { piscinaSubject } from './piscina.js';
import { poolifierSubject } from './poolifier.js';
import { queueSubject } from './queue.js';
import { rawBullmqSubject } from './raw-bullmq.js';
import { rawForkSubject } from './raw-fork.js';
import { rawPingPongSubject } from './raw-ping-pong.js';
import { rawProcessPingPongSubject } from './raw-process-ping-pong.js';
import { rawWorkerSubject } from './raw-worker.js';
import type { Subject } from './subject.js';
import { tinypoolSubject } from './tinypool.js';
import { tinypoolProcessSubject } from './tinypool-process.js';
import { workerpoolSubject } from './workerpool.js';

/**
 * All subjects, drivers first.
 *
 * @example
 * ```ts
 * allSubjects().map((s) => s.id); // ['cooperative', 'thread', ..., 'p-limit']
 * ```
 */
export function allSubjects(): Subject[] {
  return [
    ...isolaneSubjects(),
    queueSubject(),
    rawForkSubject(),
    rawWorkerSubject(),
    rawPingPongSubject(),
    rawProcessPingPongSubject(),
    rawBullmqSubject(),
    piscinaSubject(),
    tinypoolSubject(),
    tinypoolProcessSubject(),
    workerpoolSubject(),
    poolifierSubject(),
    pLimitSubject(),
    pLimitCloneSubject(),
  ];
}

/**
 * The subject with this id.
 *
 * @example
 * ```ts
 * subjectById('piscina').label; // 'piscina 5'
 * ```
 */
export function subjectById(id: string): Subject {
  const found = allSubjects().find((s) => s.id === id);
  if (!found) throw new Error(`unknown bench subject "${id}"`);
  return found;
}

/** The names `--drivers` accepts. */
export const DRIVER_FAMILIES = ['cooperative', 'thread', 'fork', 'pool', 'queue'] as const;
/** The names `--peers` accepts (the raw baselines count as peers). */
export const PEER_FAMILIES = [
  'raw-fork',
  'raw-worker',
  'raw-ping-pong',
  'raw-process-ping-pong',
  'raw-bullmq',
  'piscina',
  'tinypool',
  'tinypool-process',
  'workerpool',
  'poolifier',
  'p-limit',
  'p-limit-clone',
] as const;

/**
 * The subjects a run measures: every driver and peer by default; `drivers` / `peers` (lists of family
 * names, `[]` for none) narrow each side. Throws a readable error for an unknown name.
 *
 * @example
 * ```ts
 * selectSubjects({ drivers: ['cooperative'], peers: ['p-limit'] }).map((s) => s.id); // ['cooperative', 'p-limit']
 * ```
 */
export function selectSubjects(filter: {
  drivers?: readonly string[];
  peers?: readonly string[];
}): Subject[] {
  check(filter.drivers, DRIVER_FAMILIES, '--drivers');
  check(filter.peers, PEER_FAMILIES, '--peers');
  return allSubjects().filter((s) => {
    const list = s.kind === 'driver' ? filter.drivers : filter.peers;
    return list === undefined || list.includes(s.family);
  });
}

function check(list: readonly string[] | undefined, known: readonly string[], option: string): void {
  for (const name of list ?? []) {
    if (!known.includes(name))
      throw new Error(`${option}: unknown name "${name}" (known: ${known.join(', ')})`);
  }
}
