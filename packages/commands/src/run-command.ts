/**
 * Runs one command on execa and turns everything that can happen to it into one `CommandResult`:
 * output read with back-pressure (a slow line handler pauses the pipe, so the command blocks on write
 * instead of the parent buffering without bound), bounded capture, total and idle timeouts, aborts,
 * and whole-group kills (SIGTERM, then SIGKILL after a grace). Never throws, never rejects.
 */
import type { Readable } from 'node:stream';
import { makeFailure, toFailure } from '@isolane/core';
import { type Options as ExecaOptions, execa } from 'execa';
import { BoundedCapture } from './bounded-capture.js';
import {
  type CommandOutput,
  type CommandResult,
  type Ending,
  emptyOutput,
  endingFailure,
  failedResult,
  okResult,
} from './command-result.js';
import { LineSplitter } from './line-splitter.js';
import type { ResolvedCommand } from './options.js';
import { guardExit, releaseTarget, signalTarget, targetAlive, trackTarget } from './process-group.js';

/**
 * Which output a line came from.
 *
 * @example
 * ```ts
 * pool.start(({ stream, line }) => (stream === 'stderr' ? console.error : console.log)(line));
 * ```
 */
export type OutputStream = 'stdout' | 'stderr';

/**
 * One line of a command's output, as the pool's line handler receives it.
 *
 * @example
 * ```ts
 * pool.start(({ key, stream, line }) => console.log(`[${key}${stream === 'stderr' ? '!' : ''}] ${line}`));
 * ```
 */
export interface LineEvent<K extends string = string> {
  key: K;
  stream: OutputStream;
  line: string;
}

/**
 * Receives every line of every command. Returning a promise pauses that command's stream until it
 * settles (back-pressure); the idle timeout does not run meanwhile.
 *
 * @example
 * ```ts
 * const onLine: LineHandler = async ({ key, line }) => { await file.write(`${key}: ${line}\n`); };
 * ```
 */
export type LineHandler<K extends string = string> = (event: LineEvent<K>) => void | PromiseLike<void>;

/** Why the pool stops a command. */
export interface StopReason {
  kind: 'timeout' | 'aborted';
  name: string;
  message: string;
}

/** A command that was started: its pid, its result to come, and the ways to stop it. */
export interface RunningCommand {
  /** The pid of the command's process (its group id too); undefined if it could not be started. */
  readonly pid: number | undefined;
  /** Its result; never rejects. */
  readonly done: Promise<CommandResult>;
  /** Sends a signal to its whole process group; false when nothing was left to signal. */
  signal(signal: NodeJS.Signals): boolean;
  /** Kills its process group (SIGTERM, then SIGKILL after the grace); the result fails with `reason`. */
  stop(reason: StopReason): void;
}

/**
 * Starts one command now.
 *
 * @example
 * ```ts
 * const run = startCommand('eu', resolveCommand('node', ['-v'], {}, {}), undefined);
 * const result = await run.done;
 * ```
 */
export function startCommand<K extends string>(
  key: K,
  spec: ResolvedCommand,
  onLine: LineHandler<K> | undefined,
): RunningCommand {
  const started = performance.now();
  const aborted = spec.signals.find((s) => s.aborted);
  if (aborted) {
    const failure = makeFailure('aborted', abortMessage(spec.command, aborted.reason));
    return settledCommand(failedResult(failure, emptyOutput(spec.command)));
  }

  const out = new BoundedCapture(spec.maxBuffer);
  const err = new BoundedCapture(spec.maxBuffer);
  let reason: StopReason | undefined;
  let handlerError: { error: unknown } | undefined;
  let settled = false;
  let leaderExited = false;
  let killTimer: NodeJS.Timeout | undefined;
  let held = 0;

  let subprocess: ReturnType<typeof execa>;
  guardExit();
  try {
    subprocess = execa(spec.file, spec.args, execaOptions(spec));
  } catch (error) {
    const failure = spawnFailure(spec.command, error);
    return settledCommand(failedResult(failure, emptyOutput(spec.command, performance.now() - started)));
  }
  const pid = subprocess.pid;
  // What a kill reaches: the whole process group, or (processGroup: false) the command's process only.
  const target = pid === undefined ? undefined : spec.processGroup ? -pid : pid;
  if (target !== undefined) trackTarget(target);

  const stop = (why: StopReason): void => {
    if (settled || reason) return;
    reason = why;
    clearTimeout(totalTimer);
    clearTimeout(idleTimer);
    if (target === undefined) return;
    if (leaderExited || spec.killGraceMs === 0) {
      // After the leader's exit its stragglers already had their SIGTERM.
      signalTarget(target, 'SIGKILL');
      return;
    }
    signalTarget(target, 'SIGTERM');
    killTimer = setTimeout(() => signalTarget(target, 'SIGKILL'), spec.killGraceMs);
  };

  const totalTimer =
    spec.timeout === Number.POSITIVE_INFINITY
      ? undefined
      : setTimeout(
          () =>
            stop({
              kind: 'timeout',
              name: 'TimeoutError',
              message: `${spec.command} ran longer than ${spec.timeout} ms (timeout)`,
            }),
          spec.timeout,
        );
  // The idle timer runs only while the command could be printing: it is stopped while the line
  // handler holds the stream (the command then waits for us, it is not idle) and re-armed after.
  let idleTimer: NodeJS.Timeout | undefined;
  const onIdle = (): void =>
    stop({
      kind: 'timeout',
      name: 'TimeoutError',
      message: `${spec.command} was idle: no output for ${spec.idleTimeout} ms (idleTimeout)`,
    });
  const touch = (): void => {
    if (spec.idleTimeout === Number.POSITIVE_INFINITY || held > 0 || reason || settled || leaderExited)
      return;
    if (idleTimer) idleTimer.refresh();
    else idleTimer = setTimeout(onIdle, spec.idleTimeout);
  };
  touch();

  const onAbort = (event: Event): void => {
    const signal = event.target as AbortSignal;
    stop({ kind: 'aborted', name: 'AbortError', message: abortMessage(spec.command, signal.reason) });
  };
  for (const signal of spec.signals) signal.addEventListener('abort', onAbort, { once: true });

  // The leader is gone: whatever it left in its group (background jobs, grandchildren) goes too, so a
  // command never outlives its result and a straggler holding the pipes cannot hold the result back.
  // Once the leader is gone its exit code decides the result: the timers stop, and the pipes are
  // waited for only for the grace — a process that left the group (setsid, a detached daemon) can
  // hold them open for ever; then our ends are closed and what it prints later is not read.
  let pipesCut = false;
  const cutPipes = (): void => {
    if (settled || pipesCut) return;
    const behind = [subprocess.stdout, subprocess.stderr].some(
      (s) => s && (s.isPaused() || s.readableLength > 0),
    );
    if (held > 0 || behind) {
      // Output already in the pipe is still being read or delivered: look again shortly.
      setTimeout(cutPipes, 50).unref();
      return;
    }
    pipesCut = true;
    subprocess.stdout?.destroy();
    subprocess.stderr?.destroy();
  };
  subprocess.once('exit', () => {
    leaderExited = true;
    clearTimeout(totalTimer);
    clearTimeout(idleTimer);
    idleTimer = undefined;
    const drain = setTimeout(cutPipes, spec.killGraceMs);
    drain.unref();
    void done.then(() => clearTimeout(drain));
    // The leader is gone: whatever it left in its group (background jobs, grandchildren) goes too, so
    // a command never outlives its result.
    if (target === undefined || target > 0 || !targetAlive(target)) return;
    if (reason || spec.killGraceMs === 0) {
      signalTarget(target, 'SIGKILL');
      return;
    }
    signalTarget(target, 'SIGTERM');
    killTimer = setTimeout(() => signalTarget(target, 'SIGKILL'), spec.killGraceMs);
  });

  const emit = (stream: OutputStream, line: string): PromiseLike<void> | undefined => {
    if (!onLine || handlerError) return undefined;
    try {
      const pending = onLine({ key, stream, line });
      if (pending && typeof pending.then === 'function') {
        if (held++ === 0) {
          clearTimeout(idleTimer);
          idleTimer = undefined;
        }
        return Promise.resolve(pending).then(
          () => release(),
          (error: unknown) => {
            release();
            handlerError ??= { error };
          },
        );
      }
    } catch (error) {
      handlerError ??= { error };
    }
    return undefined;
  };
  const release = (): void => {
    held--;
    touch();
  };

  // 'data' events rather than an async iterator: no promise per chunk when the handler is synchronous
  // (the common case); a handler's promise pauses the stream until the lines before it are through.
  const read = (stream: Readable | null | undefined, capture: BoundedCapture, name: OutputStream) =>
    new Promise<void>((resolve) => {
      if (!stream) {
        resolve();
        return;
      }
      const split = onLine ? new LineSplitter() : undefined;
      let chain: Promise<unknown> | undefined;
      const deliver = (lines: string[], from: number): Promise<unknown> | undefined => {
        for (let i = from; i < lines.length; i++) {
          if (handlerError) return undefined;
          const pending = emit(name, lines[i] as string);
          if (pending) return Promise.resolve(pending).then(() => deliver(lines, i + 1));
        }
        return undefined;
      };
      stream.on('data', (chunk: Buffer | string) => {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        capture.push(bytes);
        touch();
        if (!split || handlerError) return;
        const lines = split.push(bytes);
        if (lines.length === 0) return;
        const pending = chain ? chain.then(() => deliver(lines, 0)) : deliver(lines, 0);
        if (!pending) return;
        stream.pause();
        const mine = pending;
        chain = mine;
        void mine.then(() => {
          if (chain !== mine) return;
          chain = undefined;
          stream.resume();
        });
      });
      // A destroyed stream (the process was killed): how it ended is in execa's result.
      stream.on('error', () => {});
      stream.once('close', () => {
        void (async () => {
          if (chain) await chain;
          if (split && !handlerError) await deliver(split.end(), 0);
          resolve();
        })();
      });
    });

  const done = (async (): Promise<CommandResult> => {
    const [result] = await Promise.all([
      subprocess,
      read(subprocess.stdout, out, 'stdout'),
      read(subprocess.stderr, err, 'stderr'),
    ]);
    settled = true;
    clearTimeout(totalTimer);
    clearTimeout(idleTimer);
    for (const signal of spec.signals) signal.removeEventListener('abort', onAbort);
    if (target !== undefined) {
      if (target < 0 && targetAlive(target)) {
        // Members that let go of the pipes but not of SIGTERM: SIGKILL when the grace is over.
        const last = setTimeout(() => {
          signalTarget(target, 'SIGKILL');
          releaseTarget(target);
        }, spec.killGraceMs);
        last.unref();
      } else {
        releaseTarget(target);
      }
      clearTimeout(killTimer);
    }
    const output: CommandOutput = {
      command: spec.command,
      stdout: out.text(),
      stderr: err.text(),
      stdoutBytes: out.bytes,
      stderrBytes: err.bytes,
      truncated: out.truncated || err.truncated,
      ms: performance.now() - started,
    };
    const ending: Ending = {};
    if (typeof result.exitCode === 'number') ending.exitCode = result.exitCode;
    if (typeof result.signal === 'string') ending.signal = result.signal;
    if (reason)
      return failedResult(makeFailure(reason.kind, reason.message, { name: reason.name }), output, ending);
    if (handlerError) return failedResult(toFailure(handlerError.error, 'threw'), output, ending);
    if (
      pid === undefined ||
      (result.failed && ending.exitCode === undefined && ending.signal === undefined)
    ) {
      return failedResult(spawnFailure(spec.command, result.cause ?? result), output);
    }
    if (ending.signal !== undefined || ending.exitCode !== 0) {
      return failedResult(endingFailure(spec.command, ending), output, ending);
    }
    // Closing the pipes ourselves makes execa report a premature close: not the command's failure.
    if (result.failed && !pipesCut) return failedResult(toFailure(result, 'crashed'), output, ending);
    return okResult(output, 0);
  })();

  return {
    pid,
    done,
    signal: (signal) =>
      target === undefined || settled || leaderExited ? false : signalTarget(target, signal),
    stop,
  };
}

function execaOptions(spec: ResolvedCommand): ExecaOptions {
  return {
    buffer: false,
    reject: false,
    // A group of its own, so one kill(-pid) reaches every process the command starts.
    detached: spec.processGroup,
    cleanup: false,
    extendEnv: spec.extendEnv,
    shell: spec.shell,
    ...(spec.input === undefined ? { stdin: 'ignore' as const } : { input: spec.input }),
    ...(spec.cwd === undefined ? {} : { cwd: spec.cwd }),
    ...(spec.env === undefined ? {} : { env: spec.env }),
  };
}

function spawnFailure(command: string, error: unknown) {
  const cause = toFailure(error, 'crashed');
  const extra: { name: string; code?: string | number } = { name: 'SpawnError' };
  if (cause.code !== undefined) extra.code = cause.code;
  return makeFailure('crashed', `${command} could not be started: ${cause.message}`, extra);
}

function abortMessage(command: string, reason: unknown): string {
  const why = reason instanceof Error ? reason.message : reason === undefined ? 'aborted' : String(reason);
  return `${command} was aborted: ${why}`;
}

function settledCommand(result: CommandResult): RunningCommand {
  return { pid: undefined, done: Promise.resolve(result), signal: () => false, stop: () => {} };
}
