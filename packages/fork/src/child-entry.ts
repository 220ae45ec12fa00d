/**
 * The entry of every fork child: load the bootstrap, wait for the one job, run it through the shared
 * runtime, send the result over IPC, then linger until the event loop drains so an error thrown by a
 * timer the task left behind still reaches the parent (as a stray) instead of vanishing. The child
 * exits as soon as its parent goes away.
 *
 * Everything here is on the cold-start clock: the build bundles this entry with core's runtime into
 * one file (`child-entry.bundle.js`), it listens for its job at once, and the job's task module starts
 * loading the moment the job arrives.
 */
import {
  createRuntime,
  monotonicMs,
  type Result,
  type Runtime,
  startParentWatchdog,
  type TaskFailure,
  toFailure,
} from '@isolane/core/runtime';
import type { ChildConfig, ChildMessage, JobMessage } from './protocol.js';

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const runtime: Runtime = createRuntime({ bootstrap: config.bootstrap, oneTask: true });
const booted: Promise<TaskFailure | undefined> = runtime.ready();

/** 'idle' until the job arrives, 'running' while the task runs, 'done' once its result is sent. */
let phase: 'idle' | 'running' | 'done' = 'idle';
let startedAt = 0;

function send(message: ChildMessage, then?: () => void): void {
  if (!process.connected || !process.send) {
    then?.();
    return;
  }
  process.send(message, undefined, {}, () => then?.());
}

/** Sends the result; a value the channel cannot carry becomes an 'unserializable' failure. */
function finish(result: Result<unknown>, fatal: boolean): void {
  if (phase === 'done') return;
  phase = 'done';
  const after = fatal ? () => process.exit(1) : linger;
  try {
    send(fatal ? { t: 'result', result, fatal } : { t: 'result', result }, after);
  } catch (err) {
    const error: TaskFailure = {
      kind: 'unserializable',
      name: 'DataCloneError',
      message: `the result cannot be sent back: ${describe(err)}`,
    };
    send({ t: 'result', result: { ok: false, error, ms: result.ms }, ...(fatal ? { fatal } : {}) }, after);
  }
}

/** The job is done: stop holding the event loop open, so the child exits once the task's leftovers end. */
function linger(): void {
  process.off('message', onMessage);
  process.channel?.unref();
}

/** An uncaught exception or unhandled rejection: it belongs to this child's one task, whenever it fires. */
function onFatal(thrown: unknown): void {
  const failure = toFailure(thrown, 'threw');
  if (phase === 'done') {
    send({ t: 'stray', failure }, () => process.exit(1));
  } else if (phase === 'running') {
    finish({ ok: false, error: failure, ms: monotonicMs() - startedAt }, true);
  } else {
    // Before any task: the bootstrap left something broken behind.
    const error = bootstrapFailure(`the child failed before its task started: ${failure.message}`);
    finish({ ok: false, error: { ...error, cause: failure }, ms: 0 }, true);
  }
}

async function onMessage(message: unknown): Promise<void> {
  const job = message as JobMessage;
  if (phase !== 'idle' || typeof job !== 'object' || job === null || job.t !== 'job') return;
  phase = 'running';
  // Load the task's module while the bootstrap finishes loading (none: at once), into the runtime's cache.
  if (job.task.kind === 'module' && !config.bootstrap) void runtime.load(job.task.module);
  const [bootFailure] = await Promise.all([booted, watchdog]);
  if (bootFailure) return finish({ ok: false, error: bootFailure, ms: 0 }, false);
  send({ t: 'start' });
  startedAt = monotonicMs();
  finish(await runtime.run(job.task, job.args, { id: job.id }), false);
}

function bootstrapFailure(message: string): TaskFailure {
  return { kind: 'bootstrap', name: 'BootstrapError', message };
}

function describe(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}

// A task stuck in synchronous code never lets this thread see the parent go away: where the parent could
// not give this child a kernel parent-death signal, a watchdog thread (core's runtime) does. It is
// started before the task runs and never keeps the process alive.
const watchdog: Promise<unknown> = config.watchdogMs
  ? startParentWatchdog(config.watchdogMs)
  : Promise.resolve();

process.on('uncaughtException', onFatal);
process.on('unhandledRejection', onFatal);
process.on('message', onMessage);
// The parent went away (even by SIGKILL: the channel closes): nobody is left to read a result.
process.on('disconnect', () => process.exit(0));
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 500).unref();

if (config.warm && config.warm.length > 0) {
  // Idle time of a prespawned child: import the task modules it will most likely need. A module that
  // fails here fails the same way when its task resolves it, so errors are left to that moment.
  void booted.then(async (failure) => {
    if (failure) return;
    for (const url of config.warm ?? []) {
      if (phase !== 'idle') return;
      await runtime.load(url);
    }
  });
}
