/**
 * State isolation probes: does what one task leaves behind (a global, a patched prototype, an
 * environment variable) reach the next task, and does a task see its caller mutate an argument after
 * submitting it? Sessions run one task at a time so that in a pool the second task lands on the worker
 * the first one used — the case a pool shares state in.
 */
import type { Plan } from '../plan.js';
import type { Subject } from '../subjects/subject.js';
import { PROBE_ENV_KEY, type TaskName } from '../workers/tasks.js';
import type { ProbeReport } from './probe-report.js';

function token(): string {
  return `probe-${process.pid}-${Math.random().toString(36).slice(2)}`;
}

async function leak(
  subject: Subject,
  set: TaskName,
  read: TaskName,
  what: string,
): Promise<ProbeReport & { token: string }> {
  const t = token();
  const session = await subject.open({ concurrency: 1 });
  try {
    await session.run(set, t);
    const seen = await session.run(read);
    const leaks = seen === t;
    return {
      token: t,
      verdict: leaks ? 'leaks' : 'isolated',
      safe: !leaks,
      detail: leaks
        ? `the next task saw the ${what} the previous task set`
        : `the next task did not see the ${what} (it read ${JSON.stringify(seen)})`,
    };
  } finally {
    await session.close();
  }
}

/**
 * A global set by one task, read by the next.
 *
 * @example
 * ```ts
 * (await globalProbe(piscinaSubject(), plan)).verdict; // 'leaks'
 * ```
 */
export async function globalProbe(subject: Subject, _plan: Plan): Promise<ProbeReport> {
  const { token: _t, ...report } = await leak(subject, 'setGlobal', 'readGlobal', 'global');
  return report;
}

/**
 * `Array.prototype` patched by one task, seen by the next.
 *
 * @example
 * ```ts
 * (await prototypeProbe(threadSubject, plan)).verdict; // 'isolated'
 * ```
 */
export async function prototypeProbe(subject: Subject, _plan: Plan): Promise<ProbeReport> {
  const { token: _t, ...report } = await leak(subject, 'patchPrototype', 'readPrototype', 'prototype patch');
  return report;
}

/**
 * `process.env` changed by one task, seen by the next (and by the host).
 *
 * @example
 * ```ts
 * (await envProbe(pLimitSubject(), plan)).detail; // '... and the host process.env changed too'
 * ```
 */
export async function envProbe(subject: Subject, _plan: Plan): Promise<ProbeReport> {
  const { token: t, ...report } = await leak(subject, 'setEnv', 'readEnv', 'process.env change');
  const host = process.env[PROBE_ENV_KEY] === t;
  return {
    ...report,
    detail: `${report.detail}; the host's process.env ${host ? 'changed too' : 'did not change'}`,
  };
}

/**
 * The caller mutates an argument right after submitting it; does the task see the change?
 *
 * @example
 * ```ts
 * (await argumentProbe(pLimitSubject(), plan)).verdict; // 'shared'
 * ```
 */
export async function argumentProbe(subject: Subject, _plan: Plan): Promise<ProbeReport> {
  const session = await subject.open({ concurrency: 1 });
  try {
    const arg = { value: 'before' };
    const pending = session.run('readArgLater', arg);
    arg.value = 'after';
    const seen = await pending;
    const snapshot = seen === 'before';
    return {
      verdict: snapshot ? 'snapshot' : 'shared',
      safe: snapshot,
      detail: snapshot
        ? 'the task saw the argument as it was when submitted'
        : `the task saw the caller's later mutation (read ${JSON.stringify(seen)})`,
    };
  } finally {
    await session.close();
  }
}
