/**
 * The job loop of a pool worker: takes in the parent's job batches and cancels, runs the jobs one after
 * another through core's runtime and hands each outcome to the entry at once (a lone task never waits
 * for a batch). A cancelled job is skipped, a retiring worker bounces the jobs it has not started.
 *
 * This is the warm hot path: it is written with a static continuation instead of async/await (on this
 * path every promise costs, AsyncLocalStorage's promise hooks are on), and a synchronous task is
 * answered without any microtask hop.
 *
 * Nothing here goes through a builtin a task can patch (the pool's bookkeeping must survive a task that
 * replaces `Array.prototype.push`, `Set.prototype.add`, `Promise.prototype.then`, `performance`…): the
 * queue grows by index, sets and promises go through core's load-time intrinsics, and a throw in the
 * loop itself never leaves it stuck (see `pump`).
 */
import { availableParallelism } from 'node:os';
import {
  afterOutput,
  outputPending,
  type Result,
  type Runtime,
  setAdd,
  setDelete,
  type TaskSpec,
  toFailure,
} from '@isolane/core/runtime';
import { type FramesToWorker, TO_WORKER_FRAMES } from './channel-protocol.js';
import {
  FROM_WORKER_BOUNCED,
  FROM_WORKER_RETIRE,
  FROM_WORKER_SKIPPED,
  type SpecIntro,
  TO_WORKER_CANCEL,
  TO_WORKER_JOBS,
} from './protocol.js';
import { createWorkerFrames } from './worker-frames.js';
import type { EntryTransport } from './worker-transport.js';

/** `performance.now`, taken at load (a task may replace `globalThis.performance`). */
const now: () => number = performance.now.bind(performance);

/** Below this share of polls finding the next job, a worker polls only now and then (spinForMore). */
const SPIN_MIN_HITS = 0.75;
/** While polls do not pay, one lone job in this many still polls. */
const SPIN_PROBE_EVERY = 8;
/** Weight of the latest poll in the running share. */
const SPIN_WEIGHT = 0.125;

/** The job loop; see {@link createJobLoop}. */
export interface JobLoop {
  /** A message from the parent: its jobs are queued (and run, unless the loop is already running). */
  receive(message: unknown[]): void;
  /** Id of the job running now (-1: none). */
  currentId(): number;
  /** Starts no more jobs (bounces them) and tells the parent why, once. */
  retire(reason: string): void;
}

/**
 * Creates the job loop of this worker; `answer` posts a job's outcome.
 *
 * @example
 * ```ts
 * const loop = createJobLoop(runtime, transport, (id, result) => post(encode(id, result)));
 * transport.onMessage(loop.receive);
 * ```
 */
export function createJobLoop(
  runtime: Runtime,
  transport: EntryTransport,
  answer: (id: number, result: Result<unknown>) => void,
): JobLoop {
  const { post, poll: receiveNow, markStarted, hold, flush } = transport;
  /**
   * How long (ms) a worker that ran out of jobs keeps polling its port before it goes to sleep. Waking
   * a sleeping thread costs microseconds (more on virtual machines), as much as a whole trivial task; a
   * short poll saves it when the next task follows at once, and costs at most this much CPU when none
   * does. Off where there is one core (the poll would hold the core the caller needs to send that task)
   * and in a process, whose IPC channel cannot be polled.
   */
  const spinMs = transport.canPoll && availableParallelism() > 1 ? 0.02 : 0;
  /** Task specs by the reference the parent gave them. */
  const specs: TaskSpec[] = [];
  /** Pending jobs, flat: id, taskRef, args. */
  let queue: unknown[] = [];
  let head = 0;
  /** Ids the parent cancelled before they started. */
  const cancelled = new Set<number>();
  /** How many jobs this worker has received; the n-th job has sequence number n. */
  let received = 0;
  let currentId = -1;
  let pumping = false;
  /** Jobs started since the worker last woke up or caught a job by polling. */
  let runLength = 0;
  /** The previous job of this pumping run has finished (so cancels may have queued up behind it). */
  let lastFinished = false;
  let retiring = false;
  /** The jobs' two-way messages (worker-frames.ts): frames for a job waiting in `queue` are kept. */
  const frames = createWorkerFrames(post, (id) => {
    for (let i = head; i < queue.length; i += 3) if (queue[i] === id) return true;
    return false;
  });

  function absorb(message: unknown[]): void {
    if (message[0] === TO_WORKER_JOBS) {
      for (let i = 1; i < message.length; i += 3) {
        let ref = message[i + 1];
        if (typeof ref !== 'number') {
          const intro = ref as SpecIntro;
          specs[intro.ref] = intro.spec;
          ref = intro.ref;
        }
        const end = queue.length;
        queue[end] = message[i];
        queue[end + 1] = ref;
        queue[end + 2] = message[i + 2];
      }
    } else if (message[0] === TO_WORKER_CANCEL) {
      setAdd(cancelled, message[1] as number);
    } else if (message[0] === TO_WORKER_FRAMES) {
      frames.absorb(message as FramesToWorker);
    }
  }

  /** Takes in every message already waiting, so a cancel is seen before the job it cancels starts. */
  function poll(): void {
    for (let message = receiveNow(); message !== undefined; message = receiveNow()) absorb(message);
  }

  /** How often the recent polls found the next job: a running average from 0 to 1 (see spinForMore). */
  let spinHits = 1;
  /** Polls left out since the last one, while they do not pay. */
  let spinsSkipped = 0;

  /**
   * Polls the port for up to spinMs; true if jobs came in. Only while polls usually find the next job:
   * when most find nothing (a loaded machine, where the caller's answer comes later than a poll lasts,
   * or requests spaced apart) each one burns spinMs of a core others need, and round trips got slower,
   * not faster (measured on a loaded 2-core machine: a group per request 0.87x the raw ping-pong with
   * this rule, 1.29x polling after every lone job). Then only every SPIN_PROBE_EVERY-th lone job polls,
   * to see whether polling pays again.
   */
  function spinForMore(): boolean {
    if (spinMs === 0) return false;
    if (spinHits < SPIN_MIN_HITS && ++spinsSkipped < SPIN_PROBE_EVERY) return false;
    spinsSkipped = 0;
    const until = now() + spinMs;
    do {
      const message = receiveNow();
      if (message !== undefined) {
        absorb(message);
        if (head < queue.length) {
          spinHits += (1 - spinHits) * SPIN_WEIGHT;
          return true;
        }
      }
    } while (now() < until);
    spinHits -= spinHits * SPIN_WEIGHT;
    return false;
  }

  /** Starts the next job, or stops when there is none. */
  function next(): void {
    let polled = false;
    for (;;) {
      if (head >= queue.length) {
        queue = [];
        head = 0;
        // After a lone job (a caller awaiting each result), the next one usually follows this result at
        // once: look for it briefly before sleeping. Not after batches: the caller has work queued, and
        // a polling worker would take the CPU the caller needs to send more.
        if (lastFinished && runLength === 1 && spinForMore()) {
          runLength = 0;
          continue;
        }
        pumping = false; // nothing left: new jobs arrive as message events
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
        frames.forget(id);
        post([FROM_WORKER_BOUNCED, id]);
        continue;
      }
      if (setDelete(cancelled, id)) {
        frames.forget(id);
        post([FROM_WORKER_SKIPPED, id]);
        continue;
      }
      // Tells the parent, even after this worker dies, which job was the one running.
      markStarted(received);
      currentId = id;
      lastFinished = false;
      const outcome = runtime.start(specs[ref]!, args, frames.open(id), finish);
      if (outcome === undefined) return; // `finish` goes on when the task settles
      if (outputPending()) {
        // What the task printed is still on its way to the parent: its answer goes after it.
        finish(outcome);
        return;
      }
      // A synchronous task answered already: no microtask hop, and the loop goes on with the next job.
      complete(outcome);
      polled = false;
    }
  }

  function complete(result: Result<unknown>): void {
    frames.close();
    const id = currentId;
    currentId = -1;
    lastFinished = true;
    answer(id, result);
  }

  function finish(result: Result<unknown>): void {
    frames.close(); // the run is over: what it sends from now on is dropped
    // The answer never overtakes the task's output (the parent may close this worker once answered).
    if (!outputPending()) {
      settle(result);
      return;
    }
    // The task has returned: an error it leaves behind meanwhile is a stray, not its outcome.
    const id = currentId;
    currentId = -1;
    afterOutput(() => {
      currentId = id;
      settle(result);
    });
  }

  function settle(result: Result<unknown>): void {
    hold(true);
    try {
      complete(result);
    } catch (err) {
      broke(err);
      release();
      return;
    }
    pump();
  }

  /**
   * Runs jobs; a throw of the loop's own (never expected: the runtime never throws) cannot wedge it.
   * What the run posts goes out in one send when it ends (or before a job starts), not a microtask later.
   */
  function pump(): void {
    hold(true);
    try {
      next();
    } catch (err) {
      broke(err);
    }
    release();
  }

  /** The run is over: what it posted goes out now. */
  function release(): void {
    hold(false);
    flush();
  }

  /**
   * The loop itself threw: the job it was on fails (nobody else is blamed), and the worker retires —
   * later jobs bounce to other workers — rather than stay in a state nobody can vouch for.
   */
  function broke(err: unknown): void {
    pumping = false;
    frames.close();
    const id = currentId;
    currentId = -1;
    const failure = toFailure(err, 'threw');
    if (id !== -1) {
      try {
        answer(id, {
          ok: false,
          error: { ...failure, message: `the pool worker failed to settle the task: ${failure.message}` },
          ms: 0,
        });
      } catch {
        // nothing more can be said on this channel; the retire below still may
      }
    }
    retire(`the job loop broke: ${failure.message}`);
  }

  function retire(reason: string): void {
    if (retiring) return;
    retiring = true;
    post([FROM_WORKER_RETIRE, reason]);
  }

  return {
    receive(message) {
      absorb(message);
      if (!pumping) {
        pumping = true;
        runLength = 0;
        lastFinished = false;
        pump();
      }
    },
    currentId: () => currentId,
    retire,
  };
}
