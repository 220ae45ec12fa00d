/**
 * The entry of every fork child: its IPC wire protocol around core's one-task runtime, which loads the
 * bootstrap, runs the one job, posts the result and attributes uncaught errors by phase. After its
 * result the child lingers until the event loop drains, so an error thrown by a timer the task left
 * behind still reaches the parent (as a stray) instead of vanishing. The child exits as soon as its
 * parent goes away.
 *
 * Everything here is on the cold-start clock: the build bundles this entry with core's runtime into
 * one file (`child-entry.bundle.js`), it listens for its job at once, and the job's task module starts
 * loading the moment the job arrives.
 */
import { createOneTaskWorker, createRuntime, startParentWatchdog } from '@isolane/core/runtime';
import type { ChildConfig, ChildMessage, JobMessage } from './protocol.js';

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const runtime = createRuntime({ bootstrap: config.bootstrap, oneTask: true });
void runtime.ready();

// A task stuck in synchronous code never lets this thread see the parent go away: where the parent could
// not give this child a kernel parent-death signal, a watchdog thread (core's runtime) does. It is
// started before the task runs and never keeps the process alive.
const watchdog: Promise<unknown> = config.watchdogMs
  ? startParentWatchdog(config.watchdogMs)
  : Promise.resolve();

/** Messages handed to the channel but not written yet; `whenSent` runs once there are none. */
let unsent = 0;
let onSent: (() => void)[] = [];

function post(message: ChildMessage): void {
  if (!process.connected || !process.send) return;
  process.send(message, undefined, {}, () => {
    if (--unsent > 0) return;
    const waiting = onSent;
    onSent = [];
    for (const then of waiting) then();
  });
  unsent++; // after send: a message it refused (it threw) is never written
}

function whenSent(then: () => void): void {
  if (unsent === 0) then();
  else onSent.push(then);
}

const worker = createOneTaskWorker({
  runtime,
  transport: { post },
  // A prespawned child broken before its task (by a timer its bootstrap left) dies; the next task
  // gets a fresh child.
  beforeTask: 'exit',
  exit: () => whenSent(() => process.exit(1)),
  // Done: stop holding the event loop open, so the child exits once the task's leftovers end.
  afterResult: () =>
    whenSent(() => {
      process.off('message', onMessage);
      process.channel?.unref();
    }),
});

function onMessage(message: unknown): void {
  const job = message as JobMessage;
  if (typeof job !== 'object' || job === null || job.t !== 'job') return;
  void worker.run(job, { gate: watchdog });
}

process.on('uncaughtException', worker.onUncaught);
process.on('unhandledRejection', worker.onUncaught);
process.on('message', onMessage);
// The parent went away (even by SIGKILL: the channel closes): nobody is left to read a result.
process.on('disconnect', () => process.exit(0));
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 500).unref();

// Idle time of a prespawned child: import the task modules it will most likely need (until its job
// comes). A module that fails here fails the same way when its task resolves it.
void worker.warm(config.warm ?? []);
