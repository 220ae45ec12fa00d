/**
 * The code every pool worker runs. It loads the bootstrap once, then runs the jobs it receives one after
 * another through core's runtime and answers each at once (a lone task never waits for a batch). It also
 * catches what would otherwise kill a warm worker — uncaught exceptions and unhandled rejections — and
 * attributes each to the task that caused it through the task's AsyncLocalStorage context, so a task that
 * returned and then throws from a timer is reported as itself, never as the task running next.
 *
 * The same entry runs in a worker thread and in a worker process (`runtime: 'process'`); only its
 * transport differs (worker-transport.ts).
 */
import { availableParallelism } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import {
  createRuntime,
  makeFailure,
  type Result,
  type TaskSpec,
  taskStorage,
  toFailure,
} from '@isolane/core/runtime';
import {
  FROM_WORKER_BOOTED,
  FROM_WORKER_BOUNCED,
  FROM_WORKER_EXITING,
  FROM_WORKER_FAIL,
  FROM_WORKER_FAIL_RUNNING,
  FROM_WORKER_OK,
  FROM_WORKER_READY,
  FROM_WORKER_RETIRE,
  FROM_WORKER_SKIPPED,
  FROM_WORKER_STRAY,
  type SpecIntro,
  TO_WORKER_CANCEL,
  TO_WORKER_JOBS,
  TO_WORKER_WARM,
} from './protocol.js';
import { entryTransport } from './worker-transport.js';

const boot = entryTransport();
const { post, poll: receive, markStarted } = boot;
const runtime = createRuntime({ bootstrap: boot.bootstrap, loaderHook: boot.tsx });
const storage = taskStorage();

/** Task specs by the reference the parent gave them. */
const specs: TaskSpec[] = [];
/** Pending jobs, flat: id, taskRef, args. */
let queue: unknown[] = [];
let head = 0;
/** Ids the parent cancelled before they started. */
const cancelled = new Set<number>();
/** How many jobs this worker has received; the n-th job has sequence number n. */
let received = 0;
/** Sequence number and id of the job running now (-1: none). */
let currentId = -1;
let pumping = false;
/** Jobs started since the worker last woke up or caught a job by polling. */
let runLength = 0;
let retiring = false;

function absorb(message: unknown[]): void {
  if (message[0] === TO_WORKER_JOBS) {
    for (let i = 1; i < message.length; i += 3) {
      let ref = message[i + 1];
      if (typeof ref !== 'number') {
        const intro = ref as SpecIntro;
        specs[intro.ref] = intro.spec;
        ref = intro.ref;
      }
      queue.push(message[i], ref, message[i + 2]);
    }
  } else if (message[0] === TO_WORKER_CANCEL) {
    cancelled.add(message[1] as number);
  } else if (message[0] === TO_WORKER_WARM) {
    void warm();
  }
}

/** Takes in every message already waiting, so a cancel is seen before the job it cancels starts. */
function poll(): void {
  for (;;) {
    const message = receive();
    if (message === undefined) return;
    absorb(message);
  }
}

function postResult(id: number, result: Result<unknown>): void {
  if (result.ok) {
    try {
      post([FROM_WORKER_OK, id, result.value, result.ms]);
    } catch (err) {
      const failure = makeFailure(
        'unserializable',
        `the result cannot be sent back: ${(err as Error).message}`,
        {
          name: 'DataCloneError',
        },
      );
      post([FROM_WORKER_FAIL, id, failure, result.ms]);
    }
  } else {
    post([FROM_WORKER_FAIL, id, result.error, result.ms]);
  }
}

function retire(reason: string): void {
  if (retiring) return;
  retiring = true;
  post([FROM_WORKER_RETIRE, reason]);
}

/** Id of the job whose result `finish` is waiting for. */
let runningId = -1;

/**
 * Starts the next job, or stops when there is none. Written with a static continuation instead of
 * async/await: on this path every promise costs (AsyncLocalStorage's promise hooks are on).
 */
function next(): void {
  let polled = false;
  for (;;) {
    if (head >= queue.length) {
      queue = [];
      head = 0;
      // A caller that submits tasks one after another sends the next one right after this result: look
      // for it briefly before sleeping, so it does not wait for this thread to be woken up.
      // Only after a lone job: a caller awaiting each result. Batches mean the caller has work queued,
      // and a polling worker would take the CPU the caller needs to send more.
      if (lastFinished && runLength === 1 && spinForMore()) {
        runLength = 0;
        continue;
      }
      // Nothing left: new jobs arrive as message events.
      pumping = false;
      return;
    }
    // Take in cancels that arrived while the previous job ran, before the next one starts.
    if (!polled && lastFinished) {
      polled = true;
      poll();
    }
    const id = queue[head] as number;
    const ref = queue[head + 1] as number;
    const args = queue[head + 2] as unknown[];
    queue[head + 2] = undefined;
    head += 3;
    received++;
    runLength++;
    if (retiring) {
      post([FROM_WORKER_BOUNCED, id]);
      continue;
    }
    if (cancelled.size > 0 && cancelled.delete(id)) {
      post([FROM_WORKER_SKIPPED, id]);
      continue;
    }
    // Tells the parent, even after this thread dies, which job was the one running.
    markStarted(received);
    currentId = id;
    runningId = id;
    lastFinished = false;
    const outcome = runtime.runNow(specs[ref]!, args, { id });
    if (outcome instanceof Promise) {
      outcome.then(finish);
      return;
    }
    // A synchronous task answered already: no microtask hop, and the loop goes on with the next job.
    complete(outcome);
    polled = false;
  }
}

/**
 * How long (ms) a worker that ran out of jobs keeps polling its port before it goes to sleep. Waking a
 * sleeping thread costs microseconds (more on virtual machines), as much as a whole trivial task; a
 * short poll saves it when the next task follows at once, and costs at most this much CPU when none
 * does. Off where there is one core: the poll would hold the core the caller needs to send that task,
 * and in a process, whose IPC channel cannot be polled.
 */
const SPIN_MS = boot.canPoll && availableParallelism() > 1 ? 0.02 : 0;

/** Polls the port for up to SPIN_MS; true if jobs came in. */
function spinForMore(): boolean {
  if (SPIN_MS === 0) return false;
  const until = performance.now() + SPIN_MS;
  do {
    const message = receive();
    if (message !== undefined) {
      absorb(message);
      if (head < queue.length) return true;
    }
  } while (performance.now() < until);
  return false;
}

/** The previous job of this pumping run has finished (so cancels may have queued up behind it). */
let lastFinished = false;

function complete(result: Result<unknown>): void {
  currentId = -1;
  lastFinished = true;
  postResult(runningId, result);
  if (boot.maxHeapBytes > 0 && getHeapStatistics().used_heap_size > boot.maxHeapBytes) retire('heap');
}

function finish(result: Result<unknown>): void {
  complete(result);
  next();
}

boot.onMessage((message: unknown[]) => {
  absorb(message);
  if (!pumping) {
    pumping = true;
    runLength = 0;
    lastFinished = false;
    next();
  }
});

function onUncaught(thrown: unknown): void {
  const store = storage.getStore();
  const failure = toFailure(thrown, 'threw');
  if (store !== undefined && store.id === currentId) {
    // The running task broke itself: its slot fails now; what it left running is not worth keeping.
    post([FROM_WORKER_FAIL_RUNNING, store.id, failure]);
    retire('the running task caused an uncaught error');
    return;
  }
  // A task that already returned (or code outside any task): report it as that task's, never as the one
  // running now, and recycle this worker once its current task is done — its state is suspect.
  post([FROM_WORKER_STRAY, store === undefined ? -1 : store.id, failure]);
  retire('a task left an error behind');
}

process.on('uncaughtException', onUncaught);
process.on('unhandledRejection', onUncaught);
process.on('exit', (code) => {
  // process.exit() in a task: say who called it; the parent reads this before the worker's exit event.
  post([FROM_WORKER_EXITING, storage.getStore()?.id ?? -1, code]);
  boot.flush();
});

async function start(): Promise<void> {
  await runtime.ready();
  // A replacement worker (recycling, a crash) is only warm if it does not load the pool's task modules on
  // its first task: load them now. A module that fails to load fails its task later, as it would anyway.
  await Promise.all(boot.preload.map((url) => import(url).catch(() => undefined)));
  post([FROM_WORKER_BOOTED]);
}

/**
 * The parent's first message has arrived (so both directions of the port have run once): run the task
 * path once, and let the runtime resolve the preloaded modules (an export named '' never exists, so
 * nothing runs), so that the first real task costs what every later one does.
 */
async function warm(): Promise<void> {
  await runtime.run({ kind: 'inline', source: '() => 0' }, [], { id: -1, checkResult: false });
  for (const url of boot.preload)
    await runtime.run({ kind: 'module', module: url, name: '' }, [], { id: -1 });
  post([FROM_WORKER_READY]);
}

void start();
