/**
 * The entry of every worker thread the thread driver starts. A worker runs exactly one task through
 * core's runtime, sends its outcome, then lets its own event loop drain (so a timer the task left behind
 * can still throw and be reported as a stray, attributed to this task only) and exits by itself; the
 * parent terminates it if it lingers too long. Its load time is paid by every cold task, so it starts
 * every module load at once and imports nothing it does not need; the build bundles it with core's
 * runtime into one file (`worker-entry.bundle.js`), so a worker reads one file before the task's own.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  createRuntime,
  makeFailure,
  monotonicMs,
  type Result,
  type TaskFailure,
  toFailure,
} from '@isolane/core/runtime';
import type { JobMessage, WorkerInit, WorkerMessage } from './protocol.js';

type TransferablesModule = typeof import('./transferables.js');

const init = workerData as WorkerInit;
const port = parentPort!;

/** How long a worker stays up after posting its result, so the parent reads it before the exit. */
const RESULT_GRACE_MS = 2;

// 'waiting' (prespawned, no job yet) → 'running' → 'done' (outcome sent).
let phase: 'waiting' | 'running' | 'done' = 'waiting';
let startedAt = 0;
// An error thrown while a prespawned worker waits (a timer its bootstrap left behind) poisons the worker.
let waitingFailure: TaskFailure | undefined;

process.on('uncaughtException', onUncaught);
process.on('unhandledRejection', onUncaught);

const job = init.job;
const runtime = createRuntime({ bootstrap: init.bootstrap, oneTask: true });
if (init.tsx) {
  // Node 20's loader hooks do not reach workers and tsx only hooks the main thread there: hook this one.
  ((await import(init.tsx)) as { register: () => unknown }).register();
}
// Nothing has to load first, so the task's module graph starts loading now, into the runtime's cache.
if (job && job.task.kind === 'module' && !init.bootstrap) void runtime.load(job.task.module);

if (job) void execute(job);
else {
  void warmUp(init.warm ?? []);
  port.once('message', (message: JobMessage) => void execute(message));
}

/** A prespawned worker gets ready: the bootstrap first (it must precede any task module), then modules. */
async function warmUp(modules: readonly string[]): Promise<void> {
  if ((await runtime.ready()) !== undefined) return;
  for (const url of modules) {
    if (phase !== 'waiting') return;
    // Into the runtime's cache; a module that fails to load fails the task that uses it.
    await runtime.load(url);
  }
}

async function execute(message: JobMessage): Promise<void> {
  phase = 'running';
  // Nothing but the task may keep this worker alive: a task whose promise can never settle ends the
  // worker instead of hanging it, and the parent reports that.
  port.unref();
  if (message.timed) {
    // The timeout counts from the task's start, not from the worker's spawn or the bootstrap.
    await runtime.ready();
    post({ t: 'started' });
  }
  startedAt = monotonicMs();
  const result: Result<unknown> = waitingFailure
    ? { ok: false, error: waitingFailure, ms: 0 }
    : await runtime.run(message.task, message.args, { id: message.id });
  if (phase !== 'running') return; // an uncaught error already failed this task
  phase = 'done';
  const transfer =
    result.ok && typeof result.value === 'object' && result.value !== null
      ? ((await import('./transferables.js')) as TransferablesModule).resultTransferList(result.value)
      : undefined;
  sendResult(result, transfer);
  // Stay up a moment: a worker that starts to exit right after posting makes the parent tear it down
  // before it reads the result (measured: +0.25 ms on every cold task).
  setTimeout(() => {}, RESULT_GRACE_MS);
}

function sendResult(result: Result<unknown>, transfer: ArrayBuffer[] | undefined): void {
  const message: WorkerMessage = { t: 'result', r: result };
  try {
    port.postMessage(message, transfer);
    return;
  } catch (err) {
    if (transfer) {
      try {
        // A buffer that refuses to move (e.g. WebAssembly memory) can still be copied.
        port.postMessage(message);
        return;
      } catch {
        // the value itself cannot be cloned
      }
    }
    const why = err instanceof Error ? err.message : String(err);
    post({
      t: 'result',
      r: {
        ok: false,
        error: failure('unserializable', `the task's result cannot be sent back: ${why}`, 'DataCloneError'),
        ms: result.ms,
      },
    });
  }
}

function post(message: WorkerMessage): void {
  port.postMessage(message);
}

function failure(kind: TaskFailure['kind'], message: string, name: string, cause?: TaskFailure): TaskFailure {
  return makeFailure(kind, message, cause ? { name, cause } : { name });
}

function onUncaught(thrown: unknown): void {
  const encoded = toFailure(thrown, 'threw');
  if (phase === 'waiting') {
    waitingFailure ??= failure(
      'bootstrap',
      `an error was thrown before the task started: ${encoded.message}`,
      'BootstrapError',
      encoded,
    );
    return;
  }
  if (phase === 'running') {
    phase = 'done';
    post({ t: 'result', r: { ok: false, error: encoded, ms: monotonicMs() - startedAt } });
  } else {
    post({ t: 'stray', f: encoded });
  }
  // Like Node's default for an uncaught error, the thread ends; messages already posted still arrive.
  process.exit(0);
}
