/**
 * Crash containment probes: one task fails in a way that can take its worker (or its host) down, while
 * siblings run beside it and after it. Contained means: the failing task fails, every sibling succeeds,
 * and the subject still serves a new task. Anything else is named for what was seen — siblings failed,
 * stopped serving, hung, not detected — and a host that dies is observed by the bench from outside.
 */
import type { Plan } from '../plan.js';
import type { Session, SessionOptions, Subject } from '../subjects/subject.js';
import type { TaskName } from '../workers/tasks.js';
import { describeOutcome, type ProbeReport, settleWithin, type Tracked, track } from './probe-report.js';

/** How long the sibling that runs beside the failing task works. */
const SIBLING_MS = 200;

interface Scenario {
  readonly victim: TaskName;
  /** The victim is expected to succeed (it fails only after returning). */
  readonly victimReturns?: boolean;
  readonly options: (plan: Plan) => Omit<SessionOptions, 'concurrency'> & { concurrency?: number };
}

async function contain(subject: Subject, plan: Plan, scenario: Scenario): Promise<ProbeReport> {
  const { concurrency, ...rest } = scenario.options(plan);
  let session: Session;
  try {
    session = await subject.open({ concurrency: concurrency ?? plan.concurrency, ...rest });
  } catch (err) {
    return { verdict: 'error', safe: null, detail: `could not open the subject: ${(err as Error).message}` };
  }
  const deadline = plan.probes.deadlineMs;
  try {
    // A warm session first, so a pool's workers exist before anything fails.
    await session.run('noop', 'warm');
    const victim = track(session.run(scenario.victim));
    const siblings: Tracked[] = [
      track(session.run('sleep', SIBLING_MS)),
      track(session.run('noop', 'sibling')),
    ];
    await settleWithin([victim, ...siblings], deadline);
    const seen = `failing task ${describeOutcome(victim.outcome)}; siblings ${siblings.map((s) => describeOutcome(s.outcome)).join(', ')}`;
    if (victim.outcome.state === 'pending') {
      return { verdict: 'hung', safe: false, detail: `${seen} within ${deadline} ms` };
    }
    const failedSiblings = siblings.filter((s) => s.outcome.state === 'failed');
    if (failedSiblings.length > 0) return { verdict: 'siblings failed', safe: false, detail: seen };
    if (siblings.some((s) => s.outcome.state === 'pending')) {
      return { verdict: 'hung', safe: false, detail: `${seen} within ${deadline} ms` };
    }
    const after = track(session.run('noop', 'after'));
    await settleWithin([after], deadline);
    const late = session.lateErrors?.length
      ? `; reported after settling: ${session.lateErrors.join(' | ')}`
      : '';
    if (after.outcome.state !== 'ok') {
      return {
        verdict: 'stopped serving',
        safe: false,
        detail: `${seen}; a new task ${describeOutcome(after.outcome)}${late}`,
      };
    }
    if (victim.outcome.state === 'ok' && !scenario.victimReturns) {
      return {
        verdict: 'not detected',
        safe: false,
        detail: `${seen}: the failure was not reported to the caller`,
      };
    }
    return { verdict: 'contained', safe: true, detail: `${seen}; a new task succeeded${late}` };
  } finally {
    await session.close();
  }
}

/** `process.exit(3)` inside a task. */
export const exitProbe = (subject: Subject, plan: Plan): Promise<ProbeReport> =>
  contain(subject, plan, { victim: 'exit', options: () => ({}) });

/**
 * `process.kill(process.pid, 'SIGSEGV')` inside a task: a native crash (what a faulting addon does).
 * Only a subject whose tasks run in processes of their own can contain it.
 */
export const segfaultProbe = (subject: Subject, plan: Plan): Promise<ProbeReport> =>
  contain(subject, plan, { victim: 'segfault', options: () => ({}) });

/** A throw from a timer while the task is still running (an uncaught exception). */
export const asyncThrowProbe = (subject: Subject, plan: Plan): Promise<ProbeReport> =>
  contain(subject, plan, { victim: 'throwInTimer', options: () => ({}) });

/** A rejected promise nobody handles, the task itself returning normally later. */
export const unhandledRejectionProbe = (subject: Subject, plan: Plan): Promise<ProbeReport> =>
  contain(subject, plan, { victim: 'rejectUnhandled', options: () => ({}) });

/**
 * The hard case of DESIGN section 5: the task returns, then a timer it left behind throws while the
 * same worker (one at a time) runs the next task. Contained = the next task is not blamed.
 */
export const lateThrowProbe = (subject: Subject, plan: Plan): Promise<ProbeReport> =>
  contain(subject, plan, {
    victim: 'throwAfterReturn',
    victimReturns: true,
    options: () => ({ concurrency: 1 }),
  });

/** Allocation until the heap limit (the per-worker limit where the subject has one). */
export const oomProbe = (subject: Subject, plan: Plan): Promise<ProbeReport> =>
  contain(subject, plan, { victim: 'allocate', options: (p) => ({ memoryLimitMb: p.probes.memoryLimitMb }) });

/** A synchronous infinite loop with a task timeout set (where the subject has a timeout). */
export const loopProbe = (subject: Subject, plan: Plan): Promise<ProbeReport> =>
  contain(subject, plan, { victim: 'spin', options: (p) => ({ timeoutMs: p.probes.timeoutMs }) });
