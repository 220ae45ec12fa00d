/**
 * The probes, in report order, with what each one asks. Shared by the unit host (which runs them) and
 * the bench (which schedules them, sets the host's flags and explains them in `--help` and the docs).
 */
import type { Plan } from '../plan.js';
import type { ProbeInfo } from '../result.js';
import type { Subject } from '../subjects/subject.js';
import {
  asyncThrowProbe,
  exitProbe,
  lateThrowProbe,
  loopProbe,
  oomProbe,
  segfaultProbe,
  unhandledRejectionProbe,
} from './crash-probes.js';
import { memoryProbe } from './memory-probe.js';
import type { ProbeReport } from './probe-report.js';
import { argumentProbe, envProbe, globalProbe, prototypeProbe } from './state-probes.js';

/** A probe: its description and how to run it inside a host. */
export interface ProbeDef extends ProbeInfo {
  /** Short column header. */
  readonly short: string;
  run(subject: Subject, plan: Plan): Promise<ProbeReport>;
  /** Node flags for the host process. */
  hostArgs?(subject: Subject, plan: Plan): string[];
}

/** Every probe, state first, then crash containment, then memory. */
export const PROBES: readonly ProbeDef[] = [
  {
    id: 'global',
    short: 'global',
    category: 'state',
    title: 'global leak',
    description: 'a task sets a globalThis property; the next task (same worker where there is one) reads it',
    run: globalProbe,
  },
  {
    id: 'prototype',
    short: 'proto',
    category: 'state',
    title: 'prototype leak',
    description: 'a task patches Array.prototype; the next task checks for the patch',
    run: prototypeProbe,
  },
  {
    id: 'env',
    short: 'env',
    category: 'state',
    title: 'process.env leak',
    description: 'a task sets a process.env variable; the next task (and the host) read it',
    run: envProbe,
  },
  {
    id: 'argument',
    short: 'args',
    category: 'state',
    title: 'argument snapshot',
    description: 'the caller mutates an argument right after submitting; the task reads it 30 ms later',
    run: argumentProbe,
  },
  {
    id: 'exit',
    short: 'exit',
    category: 'crash',
    title: 'process.exit',
    description: 'a task calls process.exit(3) while a sibling runs and another waits',
    run: exitProbe,
  },
  {
    id: 'async-throw',
    short: 'throw',
    category: 'crash',
    title: 'async uncaught throw',
    description: 'a running task throws from a timer (uncaught exception)',
    run: asyncThrowProbe,
  },
  {
    id: 'unhandled-rejection',
    short: 'reject',
    category: 'crash',
    title: 'unhandled rejection',
    description: 'a task leaves a rejected promise unhandled and returns 200 ms later',
    run: unhandledRejectionProbe,
  },
  {
    id: 'late-throw',
    short: 'late',
    category: 'crash',
    title: 'throw after return',
    description: 'a task returns, then its timer throws while the next task runs on the same worker',
    run: lateThrowProbe,
  },
  {
    id: 'oom',
    short: 'oom',
    category: 'crash',
    title: 'out of memory',
    description:
      'a task allocates until the heap limit (64 MB per worker where settable; a 128 MB host heap otherwise)',
    run: oomProbe,
    hostArgs: (subject) => (subject.features.inProcess ? ['--max-old-space-size=128'] : []),
  },
  {
    id: 'loop',
    short: 'loop',
    category: 'crash',
    title: 'infinite loop + timeout',
    description: 'a task spins forever with a task timeout set (where the subject has one)',
    run: loopProbe,
  },
  {
    id: 'segfault',
    short: 'segv',
    category: 'crash',
    title: 'native crash (SIGSEGV)',
    description: "a task calls process.kill(process.pid, 'SIGSEGV') while a sibling runs and another waits",
    run: segfaultProbe,
  },
  {
    id: 'memory',
    short: 'MB/worker',
    category: 'memory',
    title: 'memory per worker',
    description: 'RSS added (host + child processes) with one sleeping task per worker, per worker',
    run: memoryProbe,
    hostArgs: () => ['--expose-gc'],
  },
];

/**
 * The probe with this id.
 *
 * @example
 * ```ts
 * probeById('exit').category; // 'crash'
 * ```
 */
export function probeById(id: string): ProbeDef {
  const probe = PROBES.find((p) => p.id === id);
  if (!probe) throw new Error(`unknown probe "${id}" (known: ${PROBES.map((p) => p.id).join(', ')})`);
  return probe;
}
