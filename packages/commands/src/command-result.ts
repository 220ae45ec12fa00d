/**
 * What one command yields: core's `Result` shape, with the command's output on both branches.
 * Failures keep core's kinds (no new kind): `timeout` (total or idle), `aborted` (signal or `stop()`),
 * `crashed` (non-zero exit, killed by a signal, or could not be started), `threw` (the line handler
 * threw). The `name` tells the crashed cases apart: `ExitCodeError`, `SignalError`, `SpawnError`.
 */
import { makeFailure, type TaskFailure } from '@isolane/core';

/**
 * What a command printed and how it ended; carried by successes and failures alike.
 *
 * @example
 * ```ts
 * if (r.ok) console.log(r.value.stdout); else console.log(r.error.stderr);
 * ```
 */
export interface CommandOutput {
  /** The command line, for messages (`node export.js --region=eu`). */
  command: string;
  /** Captured stdout (without one final newline; truncated at `maxBuffer` with a marker line). */
  stdout: string;
  /** Captured stderr, same rules. */
  stderr: string;
  /** Bytes the command wrote to stdout, captured or not. */
  stdoutBytes: number;
  /** Bytes the command wrote to stderr, captured or not. */
  stderrBytes: number;
  /** True when stdout or stderr was cut at `maxBuffer`. */
  truncated: boolean;
  /** Time from the start of the command to its result. */
  ms: number;
}

/**
 * A command that exited with code 0.
 *
 * @example
 * ```ts
 * const { value } = r as { ok: true; value: CommandValue };
 * value.exitCode; // 0
 * ```
 */
export interface CommandValue extends CommandOutput {
  exitCode: number;
}

/**
 * A command's failure: a core `TaskFailure` (same kinds, plain data, survives JSON) plus the output.
 * `exitCode`/`signal` are set when the process ended (after a timeout or an abort too).
 *
 * @example
 * ```ts
 * if (!r.ok && r.error.kind === 'crashed' && r.error.name === 'ExitCodeError') console.log(r.error.exitCode);
 * ```
 */
export type CommandFailure = TaskFailure & CommandOutput;

/**
 * One command's outcome; assignable to core's `Result<CommandValue>` (checked by the type tests).
 *
 * @example
 * ```ts
 * const { eu } = await pool.wait();
 * eu.ok ? console.log(eu.value.stdout) : console.error(eu.error.kind, eu.error.message);
 * ```
 */
export type CommandResult =
  | { ok: true; value: CommandValue; ms: number }
  | { ok: false; error: CommandFailure; ms: number };

/** How a process ended, as far as it ended. */
export interface Ending {
  exitCode?: number;
  signal?: string;
}

/**
 * A successful result.
 *
 * @example
 * ```ts
 * okResult(output, 0);
 * ```
 */
export function okResult(output: CommandOutput, exitCode: number): CommandResult {
  return { ok: true, value: { ...output, exitCode }, ms: output.ms };
}

/**
 * A failed result built from a core failure and the output.
 *
 * @example
 * ```ts
 * failedResult(makeFailure('timeout', 'ran longer than 5000 ms'), output, { signal: 'SIGTERM' });
 * ```
 */
export function failedResult(
  failure: TaskFailure,
  output: CommandOutput,
  ending: Ending = {},
): CommandResult {
  const error: CommandFailure = { ...failure, ...output };
  if (ending.exitCode !== undefined) error.exitCode = ending.exitCode;
  if (ending.signal !== undefined) error.signal = ending.signal;
  return { ok: false, error, ms: output.ms };
}

/**
 * The failure of a process that ended by itself: killed by a signal, or a non-zero exit code.
 *
 * @example
 * ```ts
 * endingFailure('node x.js', { exitCode: 2 }); // { kind: 'crashed', name: 'ExitCodeError', … }
 * ```
 */
export function endingFailure(command: string, ending: Ending): TaskFailure {
  if (ending.signal !== undefined) {
    return makeFailure('crashed', `${command} was killed by ${ending.signal}`, {
      name: 'SignalError',
      signal: ending.signal,
    });
  }
  return makeFailure('crashed', `${command} exited with code ${ending.exitCode}`, {
    name: 'ExitCodeError',
    exitCode: ending.exitCode ?? -1,
  });
}

/**
 * An output with nothing captured (a command that never started).
 *
 * @example
 * ```ts
 * emptyOutput('node x.js');
 * ```
 */
export function emptyOutput(command: string, ms = 0): CommandOutput {
  return { command, stdout: '', stderr: '', stdoutBytes: 0, stderrBytes: 0, truncated: false, ms };
}
