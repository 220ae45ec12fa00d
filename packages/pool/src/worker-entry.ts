/**
 * The code every pool worker runs: its wire protocol around core's runtime. It warms up (bootstrap, the
 * pool's recent task modules) and says READY; its job loop (worker-loop.ts) runs the jobs it receives;
 * each outcome goes back with core's one "cannot be sent back" fallback. It also catches what would
 * otherwise kill a warm worker — uncaught exceptions and unhandled rejections — and attributes each to
 * the task that caused it through the task's AsyncLocalStorage context, so a task that returned and
 * then throws from a timer is reported as itself, never as the task running next.
 *
 * The same entry runs in a worker thread and in a worker process (`runtime: 'process'`); only its
 * transport differs (worker-transport.ts).
 */
import { getHeapStatistics } from 'node:v8';
import { createRuntime, postOutcome, type Result, taskStorage, toFailure } from '@isolane/core/runtime';
import {
  FROM_WORKER_EXITING,
  FROM_WORKER_FAIL,
  FROM_WORKER_FAIL_RUNNING,
  FROM_WORKER_OK,
  FROM_WORKER_READY,
  FROM_WORKER_STRAY,
  TO_WORKER_JOBS,
} from './protocol.js';
import { createJobLoop, type JobLoop } from './worker-loop.js';
import { type EntryTransport, entryTransport } from './worker-transport.js';

const transport = entryTransport();
const { post } = transport;
const runtime = createRuntime({ bootstrap: transport.bootstrap, loaderHook: transport.tsx });
const storage = taskStorage();

/** A job's outcome on the wire: `[FROM_WORKER_OK, id, value, ms]` or `[FROM_WORKER_FAIL, id, failure, ms]`. */
function encodeOutcome(id: number, result: Result<unknown>): unknown[] {
  return result.ok
    ? [FROM_WORKER_OK, id, result.value, result.ms]
    : [FROM_WORKER_FAIL, id, result.error, result.ms];
}

/** Posts a job's outcome on `out`; a worker whose heap has grown past its limit then retires. */
function answer(out: EntryTransport, from: JobLoop, id: number, result: Result<unknown>): void {
  postOutcome(
    out,
    result,
    (r) => encodeOutcome(id, r),
    undefined,
    out.maxResultMb > 0 ? out.maxResultMb : undefined,
  );
  if (out.maxHeapBytes > 0 && getHeapStatistics().used_heap_size > out.maxHeapBytes) from.retire('heap');
}

const loop: JobLoop = createJobLoop(runtime, transport, (id, result) => answer(transport, loop, id, result));
transport.onMessage(loop.receive);

/**
 * Compiles the job path (the loop, the run, the answer) before the worker says READY: one inline no-op
 * through a private loop whose messages go nowhere. V8 compiles a function on its first call; without
 * this a fresh worker's first task pays it (measured: ~0.5 ms with recycling after every task).
 */
function primeJobPath(): void {
  const quiet: EntryTransport = {
    ...transport,
    post: () => {},
    poll: () => undefined,
    markStarted: () => {},
    flush: () => {},
    hold: () => {},
  };
  const shadow: JobLoop = createJobLoop(runtime, quiet, (id, result) => answer(quiet, shadow, id, result));
  shadow.receive([TO_WORKER_JOBS, -1, { ref: 0, spec: { kind: 'inline', source: '() => 0' } }, []]);
}

function onUncaught(thrown: unknown): void {
  const store = storage.getStore();
  const failure = toFailure(thrown, 'threw');
  if (store !== undefined && store.id === loop.currentId()) {
    // The running task broke itself: its slot fails now; what it left running is not worth keeping.
    post([FROM_WORKER_FAIL_RUNNING, store.id, failure]);
    loop.retire('the running task caused an uncaught error');
    return;
  }
  // A task that already returned (or code outside any task): report it as that task's, never as the one
  // running now, and recycle this worker once its current task is done — its state is suspect.
  post([FROM_WORKER_STRAY, store === undefined ? -1 : store.id, failure]);
  loop.retire('a task left an error behind');
}

process.on('uncaughtException', onUncaught);
process.on('unhandledRejection', onUncaught);
process.on('exit', (code) => {
  // process.exit() in a task: say who called it; the parent reads this before the worker's exit event.
  post([FROM_WORKER_EXITING, storage.getStore()?.id ?? -1, code]);
  transport.flush();
});

// A replacement worker (recycling, a crash) is only warm if its first task does not load the pool's task
// modules: the runtime loads them now, into the cache its synchronous path reads. A module that fails to
// load fails its task later, as it would anyway. A failed bootstrap: the tasks say so.
void runtime.warm(transport.preload).then(() => {
  primeJobPath();
  post([FROM_WORKER_READY]);
});
