/**
 * The phase machine of a worker that runs one task in its life (a `thread` worker, a `fork` child):
 * `waiting` (spawned, no task yet) → `running` → `done` (its outcome is sent). An uncaught exception or
 * unhandled rejection is attributed by the phase it comes in: before the task it is the bootstrap's (a
 * timer it left behind), while the task runs it fails the task, after the outcome it is a stray.
 */
import { monotonicMs } from '../clock.js';
import { makeFailure, type TaskFailure, toFailure } from '../failure.js';

/** Where a one-task worker stands. */
export type TaskPhaseName = 'waiting' | 'running' | 'done';

/** An uncaught error, encoded and attributed to the phase it came in. */
export type Attribution =
  /** Before the task: a `'bootstrap'` failure whose cause is what was thrown. */
  | { readonly phase: 'waiting'; readonly failure: TaskFailure }
  /** The task fails with it; `ms` counts from the task's start. */
  | { readonly phase: 'running'; readonly failure: TaskFailure; readonly ms: number }
  /** The task's outcome was already sent: a stray error of that task. */
  | { readonly phase: 'done'; readonly failure: TaskFailure };

/**
 * The phases of one task.
 *
 * @example
 * ```ts
 * const phases = new TaskPhase();
 * process.on('uncaughtException', (err) => report(phases.attribute(err)));
 * phases.begin();   // the job arrived
 * phases.started(); // its clock starts
 * if (phases.end()) post(result); // false: an uncaught error already failed it
 * ```
 */
export class TaskPhase {
  #phase: TaskPhaseName = 'waiting';
  #startedAt = 0;

  /** Where the worker stands now. */
  get phase(): TaskPhaseName {
    return this.#phase;
  }

  /** The job arrived: `waiting` → `running`. False when the worker already had one. */
  begin(): boolean {
    if (this.#phase !== 'waiting') return false;
    this.#phase = 'running';
    this.#startedAt = monotonicMs();
    return true;
  }

  /** The task itself starts now (its bootstrap has loaded): a failure's `ms` counts from here. */
  started(): void {
    this.#startedAt = monotonicMs();
  }

  /** The outcome is about to be sent: → `done`. False when it already was (nothing more to send). */
  end(): boolean {
    if (this.#phase === 'done') return false;
    this.#phase = 'done';
    return true;
  }

  /** Encodes an uncaught error and says which phase it belongs to (the phase does not change). */
  attribute(thrown: unknown): Attribution {
    const failure = toFailure(thrown, 'threw');
    if (this.#phase === 'running') {
      return { phase: 'running', failure, ms: monotonicMs() - this.#startedAt };
    }
    if (this.#phase === 'done') return { phase: 'done', failure };
    return {
      phase: 'waiting',
      failure: makeFailure('bootstrap', `an error was thrown before the task started: ${failure.message}`, {
        name: 'BootstrapError',
        cause: failure,
      }),
    };
  }
}
