/**
 * Turns the way a child process ended into the failure of the task it was running, in driver-kit's
 * wording: out of memory, killed before its task could start (a bootstrap problem), or crashed with an
 * exit code or a signal.
 */
import {
  crashedFailure,
  describeExit,
  makeFailure,
  oomFailure,
  stderrTail,
  type TaskFailure,
} from '@isolane/core/driver-kit';
import type { ChildExit } from './fork-child.js';

/** What the driver knew about the child when it died. */
export interface DeathContext {
  /** The child reported that the task started (its bootstrap had loaded). */
  readonly started: boolean;
  readonly memoryLimitMb: number | undefined;
}

const WORKER = 'child process';

/**
 * The failure for a child that died before sending a result.
 *
 * @example
 * ```ts
 * deathFailure({ exitCode: 3, signal: null, oom: false, stderrTail: '' }, { started: true, memoryLimitMb: undefined });
 * // { kind: 'crashed', name: 'CrashError', message: "the task's child process exited with code 3 before the task settled", exitCode: 3 }
 * ```
 */
export function deathFailure(exit: ChildExit, context: DeathContext): TaskFailure {
  if (exit.spawnError !== undefined) return spawnFailure(exit.spawnError);
  const { exitCode, signal } = exit;
  if (exit.oom) {
    const report = fatalLine(exit.stderrTail) || undefined;
    return oomFailure({ memoryLimitMb: context.memoryLimitMb, worker: WORKER, exitCode, signal, report });
  }
  // Under the `permissions` option a child can die of a denied access before any task code runs (a
  // loader hook that needs a worker thread): the code is kept, as for a denial inside a task.
  const denied = /\bcode: 'ERR_ACCESS_DENIED'/.test(exit.stderrTail);
  const reason = denied
    ? 'an access the permission model denied (see the fork `permissions` option)'
    : undefined;
  const code = denied ? 'ERR_ACCESS_DENIED' : undefined;
  if (!context.started) {
    const tail = stderrTail(exit.stderrTail);
    const detail = `${reason ? `: ${reason}` : ''}${tail ? `; its stderr ended with:\n${tail}` : ''}`;
    return makeFailure(
      'bootstrap',
      `the child process ${describeExit(exit)} before its task started${detail}`,
      {
        name: 'BootstrapError',
        ...(code !== undefined ? { code } : {}),
        ...(exitCode !== null ? { exitCode } : {}),
        ...(signal !== null ? { signal } : {}),
      },
    );
  }
  return crashedFailure({ worker: WORKER, exitCode, signal, reason, code, stderrTail: exit.stderrTail });
}

/**
 * The failure for a child process that could not be spawned at all.
 *
 * @example
 * ```ts
 * spawnFailure('spawn ENOMEM'); // { kind: 'bootstrap', message: 'the child process could not be started: spawn ENOMEM', … }
 * ```
 */
export function spawnFailure(why: string): TaskFailure {
  return makeFailure('bootstrap', `the child process could not be started: ${why}`, {
    name: 'BootstrapError',
  });
}

function fatalLine(tail: string): string {
  const line = tail.split('\n').find((l) => /FATAL ERROR|out of memory/i.test(l));
  return line?.trim() ?? '';
}
