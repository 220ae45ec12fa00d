/**
 * Turns the way a child process ended into the failure of the task it was running: out of memory,
 * killed before its task could start (a bootstrap problem), or crashed with an exit code or a signal.
 */
import { makeFailure, type TaskFailure } from '@isolane/core';
import type { ChildExit } from './fork-child.js';

/** What the driver knew about the child when it died. */
export interface DeathContext {
  /** The child reported that the task started (its bootstrap had loaded). */
  readonly started: boolean;
  readonly memoryLimitMb: number | undefined;
}

/**
 * The failure for a child that died before sending a result.
 *
 * @example
 * ```ts
 * deathFailure({ exitCode: 3, signal: null, oom: false, stderrTail: '' }, { started: true, memoryLimitMb: undefined });
 * // { kind: 'crashed', name: 'CrashError', message: 'the child process exited with code 3', exitCode: 3 }
 * ```
 */
export function deathFailure(exit: ChildExit, context: DeathContext): TaskFailure {
  const status = {
    ...(exit.exitCode !== null ? { exitCode: exit.exitCode } : {}),
    ...(exit.signal !== null ? { signal: exit.signal } : {}),
  };
  const how = describeExit(exit);
  if (exit.oom) {
    const limit = context.memoryLimitMb === undefined ? '' : ` (limit ${context.memoryLimitMb} MB)`;
    const report = fatalLine(exit.stderrTail);
    return makeFailure(
      'oom',
      `the child process ran out of memory${limit} and ${how}${report ? `: ${report}` : ''}`,
      {
        name: 'OutOfMemoryError',
        ...status,
      },
    );
  }
  const tail = lastLines(exit.stderrTail);
  // Under the `permissions` option a child can die of a denied access before any task code runs (a
  // loader hook that needs a worker thread): the code is kept, as for a denial inside a task.
  const denied = /\bcode: 'ERR_ACCESS_DENIED'/.test(exit.stderrTail);
  const why = denied ? ' (an access the permission model denied: see the fork `permissions` option)' : '';
  const detail = `${why}${tail ? `; its stderr ended with:\n${tail}` : ''}`;
  const code = denied ? { code: 'ERR_ACCESS_DENIED' } : {};
  if (exit.spawnError !== undefined) {
    return makeFailure('bootstrap', `the child process could not be started: ${exit.spawnError}`, {
      name: 'BootstrapError',
    });
  }
  if (!context.started) {
    return makeFailure('bootstrap', `the child process ${how} before its task started${detail}`, {
      name: 'BootstrapError',
      ...code,
      ...status,
    });
  }
  return makeFailure('crashed', `the child process ${how} before sending a result${detail}`, {
    name: 'CrashError',
    ...code,
    ...status,
  });
}

/**
 * Human wording of an exit status.
 *
 * @example
 * ```ts
 * describeExit({ exitCode: null, signal: 'SIGKILL' }); // 'was killed by SIGKILL'
 * ```
 */
export function describeExit(exit: Pick<ChildExit, 'exitCode' | 'signal'>): string {
  if (exit.signal !== null) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.exitCode ?? 'unknown'}`;
}

function fatalLine(tail: string): string {
  const line = tail.split('\n').find((l) => /FATAL ERROR|out of memory/i.test(l));
  return line?.trim() ?? '';
}

function lastLines(tail: string): string {
  const text = tail.trimEnd();
  if (!text) return '';
  return text.split('\n').slice(-8).join('\n').slice(-1000);
}
