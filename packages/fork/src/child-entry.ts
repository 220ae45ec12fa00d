/**
 * The entry of every fork child: its channel to the parent (core's `openParentChannel`: keyed frames on
 * fds 3 and 4, opened before anything else runs) around core's one-task runtime, which loads the
 * bootstrap, runs the one job, posts the result and attributes uncaught errors by phase. After its
 * result the child lingers until the event loop drains, so an error thrown by a timer the task left
 * behind still reaches the parent (as a stray) instead of vanishing. The child exits as soon as its
 * parent goes away.
 *
 * Everything here is on the cold-start clock: the build bundles this entry with core's runtime into
 * one file (`child-entry.bundle.js`), it listens for its job at once, and the job's task module starts
 * loading the moment the job arrives.
 */
import {
  type CallerFrame,
  createOneTaskWorker,
  createRuntime,
  openParentChannel,
  startParentWatchdog,
} from '@isolane/core/runtime';
import type { ChildConfig, ChildMessage, ParentMessage } from './protocol.js';

// First: the key is drawn and sent before any bootstrap or task code can run.
const channel = openParentChannel();
const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const runtime = createRuntime({ bootstrap: config.bootstrap, oneTask: true });
void runtime.ready();

// A task stuck in synchronous code never lets this thread see the parent go away: where the parent could
// not give this child a kernel parent-death signal, a watchdog thread (core's runtime) does. It is
// started before the task runs and never keeps the process alive.
const watchdog: Promise<unknown> = config.watchdogMs
  ? startParentWatchdog(config.watchdogMs)
  : Promise.resolve();

// Frames are written synchronously: once post() returns, the message is in the parent's pipe.
function post(message: ChildMessage): void {
  channel.post(message);
}

// Captured now: a task that replaces process.exit cannot keep a broken child alive.
const exitProcess = process.exit.bind(process);

const worker = createOneTaskWorker({
  runtime,
  transport: { post },
  // A prespawned child broken before its task (by a timer its bootstrap left) dies; the next task
  // gets a fresh child.
  beforeTask: 'exit',
  exit: () => exitProcess(1),
  // Done: stop holding the event loop open, so the child exits once the task's leftovers end.
  afterResult: () => channel.unref(),
  maxResultMb: config.maxResultMb,
});

channel.onMessage((message) => {
  const m = message as ParentMessage;
  if (typeof m !== 'object' || m === null) return;
  if (m.t === 'job') void worker.run(m, { gate: watchdog });
  // The caller's messages to the task, and its credits (see docs/channels.md).
  else if (m.t === 'msg' || m.t === 'credit') worker.deliver(m as CallerFrame);
});

process.on('uncaughtException', worker.onUncaught);
process.on('unhandledRejection', worker.onUncaught);
// The parent went away (even by SIGKILL: its pipe closes): nobody is left to read a result.
channel.onClose(() => exitProcess(0));
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 500).unref();

// Idle time of a prespawned child: import the task modules it will most likely need (until its job
// comes). A module that fails here fails the same way when its task resolves it.
void worker.warm(config.warm ?? []);
