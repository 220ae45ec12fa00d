/**
 * What a worker's death means. Every death is reconciled against the worker's start counter (written
 * before each job starts, so it survives the worker): the job that was running is blamed — with its
 * timeout if it was overdue, else with what killed the worker (memory, `process.exit()`, a crash) —
 * and the jobs queued behind it, which never started, are handed back to run elsewhere, once. A job
 * whose arguments were transferred cannot be run again (its buffers went with the worker): it fails.
 */
import { makeFailure, type TaskFailure, toFailure } from '@isolane/core';
import type { LateErrors } from './late-errors.js';
import { JOB_DONE, type PoolJob } from './pool-job.js';
import type { ExitNote, WorkerState } from './worker-state.js';

/**
 * The failure of a task stopped at its timeout.
 *
 * @example
 * ```ts
 * timeoutFailure(500).message; // 'the task ran longer than its 500 ms timeout'
 * ```
 */
export function timeoutFailure(ms: number): TaskFailure {
  return makeFailure('timeout', `the task ran longer than its ${ms} ms timeout`, { name: 'TimeoutError' });
}

/**
 * Settles what the dead worker `w` held and routes the late error its death may be; returns the jobs
 * that never started, to be queued again in order.
 *
 * @example
 * ```ts
 * const retry = reconcileDeath(worker, code, options.memoryLimitMb, lateErrors);
 * for (const j of retry) j.requeued();
 * ```
 */
export function reconcileDeath(
  w: WorkerState,
  code: number,
  memoryLimitMb: number | undefined,
  lateErrors: LateErrors,
): PoolJob[] {
  const started = w.startedCount();
  const note = w.exitNote;
  const { jobs, headMs } = w.takeJobs(performance.now());
  const retry: PoolJob[] = [];
  let blamed = -1;
  for (const j of jobs) {
    if (j.state === JOB_DONE) continue;
    if (j.seq > started && j.transfer === undefined) {
      retry.push(j); // never started: it runs elsewhere, once
    } else if (j.seq > started) {
      j.fail(
        makeFailure(
          'crashed',
          'its worker died before the task started, and its transferred arguments went with it',
          { exitCode: code },
        ),
        0,
      );
    } else if (w.killTarget !== undefined && w.killTarget !== j) {
      // A kill aimed at the job before it raced with its end: this one had only just started.
      retry.push(j);
    } else {
      blamed = j.id;
      j.fail(
        w.overdue === j ? timeoutFailure(j.timeout) : deathFailure(w, j, code, note, memoryLimitMb),
        headMs,
      );
    }
  }
  if (note !== undefined && note.id >= 0 && note.id !== blamed) {
    // process.exit() from code a finished task left behind: that task's error, nobody else's.
    lateErrors.report(
      w.lastId,
      note.id,
      makeFailure('crashed', `process.exit(${note.code}) was called after the task returned`, {
        exitCode: note.code,
      }),
    );
  } else if (blamed < 0 && !w.dying && w.error !== undefined && w.ready) {
    lateErrors.report(w.lastId, -1, deathFailure(w, undefined, code, note, memoryLimitMb));
  }
  return retry;
}

/**
 * The failure of the jobs waiting for a pool whose workers all die before they are ready (the
 * bootstrap throws, the worker cannot start).
 *
 * @example
 * ```ts
 * for (const j of queue.drain()) j.fail(startFailure(worker, code, options.bootstrap), 0);
 * ```
 */
export function startFailure(w: WorkerState, code: number, bootstrap: string | undefined): TaskFailure {
  const detail = w.error !== undefined ? `: ${w.error.message}` : '';
  return makeFailure(
    'bootstrap',
    `a pool worker exited with code ${code} before it was ready (while loading the bootstrap ${bootstrap ?? '(none)'})${detail}`,
    {
      name: 'BootstrapError',
      exitCode: code,
      ...(w.error !== undefined ? { cause: toFailure(w.error, 'bootstrap') } : {}),
    },
  );
}

function deathFailure(
  w: WorkerState,
  j: PoolJob | undefined,
  code: number,
  note: ExitNote | undefined,
  memoryLimitMb: number | undefined,
): TaskFailure {
  const err = w.error as (Error & { code?: unknown }) | undefined;
  if (err?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return makeFailure(
      'oom',
      `the worker ran out of memory${memoryLimitMb !== undefined ? ` (memoryLimitMb: ${memoryLimitMb})` : ''}`,
      { name: 'OutOfMemoryError', code: 'ERR_WORKER_OUT_OF_MEMORY' },
    );
  }
  if (note !== undefined) {
    const caller =
      j !== undefined && note.id === j.id
        ? 'the task'
        : note.id < 0
          ? 'code outside any task'
          : 'code another task left behind';
    return makeFailure('crashed', `${caller} called process.exit(${note.code})`, { exitCode: note.code });
  }
  const own = w.deathFailure(code, memoryLimitMb);
  if (own !== undefined) return own;
  if (err !== undefined) {
    return makeFailure('crashed', `the worker thread died: ${err.message}`, {
      exitCode: code,
      cause: toFailure(err, 'crashed'),
    });
  }
  return makeFailure('crashed', `the worker thread exited with code ${code}`, { exitCode: code });
}
