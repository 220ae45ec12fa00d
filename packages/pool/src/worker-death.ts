/**
 * What a worker's death means. Every death is reconciled against the worker's start counter (written
 * before each job starts, so it survives the worker): the job that was running is blamed — with its
 * timeout if it was overdue, else with what killed the worker (memory, `process.exit()`, a crash) —
 * and the jobs queued behind it, which never started, are handed back to run elsewhere, once. A job
 * whose arguments were transferred cannot be run again (its buffers went with the worker): it fails.
 * The failures are driver-kit's, worded as under every driver.
 */
import {
  crashedAfterResultFailure,
  crashedFailure,
  type DeathDetails,
  makeFailure,
  oomFailure,
  type TaskFailure,
  timeoutFailure,
  toFailure,
} from '@isolane/core/driver-kit';
import type { LateErrors } from './late-errors.js';
import { JOB_DONE, type PoolJob } from './pool-job.js';
import type { ExitNote, WorkerState } from './worker-state.js';

/**
 * Why a task fails whose worker was stopped as stalled (it had not started the task in time: code an
 * earlier task left behind held it) when the task did start in the instant before the stop.
 */
const STALLED_RACE =
  'it was stopped because code an earlier task left behind kept it from starting this task within lingerMs, and the task started just as it was stopped';

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
      const reason = 'it had not started, and its transferred arguments went with its worker';
      j.fail(crashedFailure({ ...details(w, code), reason }), 0);
    } else if (w.killTarget !== undefined && w.killTarget !== j) {
      // A kill aimed at the job before it raced with its end: this one had only just started.
      retry.push(j);
    } else {
      blamed = j.id;
      j.fail(
        w.overdue === j
          ? timeoutFailure(j.timeout)
          : w.stalled && w.killTarget === j
            ? crashedFailure({ ...details(w, code), reason: STALLED_RACE })
            : deathFailure(w, j, code, note, memoryLimitMb),
        headMs,
      );
    }
  }
  if (note !== undefined && note.id >= 0 && note.id !== blamed) {
    // process.exit() from code a finished task left behind: that task's error, nobody else's.
    const reason = `code the task left behind called process.exit(${note.code})`;
    lateErrors.report(
      w.lastId,
      note.id,
      crashedAfterResultFailure({ ...details(w, code), exitCode: note.code, reason }),
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

/** What the failures of `w`'s death say about it (before any reason). */
function details(w: WorkerState, code: number, death = w.death(code)): DeathDetails {
  return {
    worker: w.noun,
    exitCode: death.exitCode,
    signal: death.signal,
    stderrTail: death.stderrTail,
    code: death.code,
  };
}

/** The failure of `j` (undefined: no task was running; a late error then) for `w`'s death. */
function deathFailure(
  w: WorkerState,
  j: PoolJob | undefined,
  code: number,
  note: ExitNote | undefined,
  memoryLimitMb: number | undefined,
): TaskFailure {
  const death = w.death(code);
  const base = details(w, code, death);
  if (death.oom) {
    return j !== undefined
      ? oomFailure({ ...base, memoryLimitMb })
      : crashedAfterResultFailure({ ...base, oom: true });
  }
  let crash: DeathDetails;
  if (note !== undefined) {
    const caller =
      j !== undefined && note.id === j.id
        ? 'the task'
        : note.id < 0
          ? 'code outside any task'
          : 'code another task left behind';
    crash = { ...base, exitCode: note.code, reason: `${caller} called process.exit(${note.code})` };
  } else {
    const err = w.error;
    crash = {
      ...base,
      reason: err?.message,
      cause: err !== undefined ? toFailure(err, 'crashed') : undefined,
    };
  }
  return j !== undefined ? crashedFailure(crash) : crashedAfterResultFailure(crash);
}
