/**
 * What a worker that runs exactly one task does around it (a `thread` worker, a `fork` child): start
 * its module loading at once, tell the parent when the task starts, run it, post its outcome with the
 * one "cannot be sent back" fallback, and attribute uncaught errors by phase. Its entry only supplies
 * its channel (a transport) and how it exits.
 */
import type { TaskFailure } from '../failure.js';
import type { CallerFrame, TaskFrame } from '../message-frames.js';
import type { Result } from '../result.js';
import type { TaskSpec } from '../task.js';
import { intervalClear, intervalEvery, PromiseCtor } from './intrinsics.js';
import { postOutcome, type RuntimeTransport } from './post-outcome.js';
import { createRuntime, type Runtime } from './runtime.js';
import { afterOutput } from './stdio-flush.js';
import { TaskMessages } from './task-messages.js';
import { TaskPhase } from './task-phase.js';

/** A one-task worker → its parent. */
export type OneTaskMessage =
  /** The bootstrap loaded and the task starts now: its timeout counts from here. */
  | { readonly t: 'start' }
  /**
   * The task's outcome. `fatal`: the worker ends because of it (an uncaught error), so its death is
   * expected and not reported again.
   */
  | { readonly t: 'result'; readonly result: Result<unknown>; readonly fatal?: boolean }
  /** A late error: the task had already sent its outcome. The worker ends after sending it. */
  | { readonly t: 'stray'; readonly failure: TaskFailure }
  /** The task's messages to its caller (`msg`, `progress`, `credit`: see message-frames.ts). */
  | TaskFrame;

/** The one job of a one-task worker. */
export interface OneTaskJob {
  readonly id: number;
  readonly task: TaskSpec;
  readonly args: readonly unknown[];
}

/** Options of {@link createOneTaskWorker}. */
export interface OneTaskWorkerOptions {
  readonly runtime: Runtime;
  readonly transport: RuntimeTransport<OneTaskMessage>;
  /**
   * An uncaught error before any task: `'hold'` keeps it, and the task that comes fails with it;
   * `'exit'` reports it as a fatal result at once and ends the worker.
   */
  readonly beforeTask: 'hold' | 'exit';
  /** Ends the worker after a fatal error; what was posted must still reach the parent. */
  readonly exit: () => void;
  /** The outcome is posted: let the worker drain what its task left behind. */
  readonly afterResult?: (() => void) | undefined;
  /** Buffers of an object result that may move to the parent instead of being copied. */
  readonly transferList?: ((value: object) => ArrayBuffer[] | undefined) | undefined;
  /** The driver's `maxResultMb`: a larger result fails as `unserializable` (post-outcome.ts). */
  readonly maxResultMb?: number | undefined;
}

/** Options of {@link OneTaskWorker.run}. */
export interface OneTaskRunOptions {
  /** Post `{ t: 'start' }` once the bootstrap has loaded (the parent times the task). Default true. */
  readonly announce?: boolean | undefined;
  /** Also awaited before the task starts (e.g. a watchdog thread that must be up first). */
  readonly gate?: Promise<unknown> | undefined;
}

/** The runtime of a one-task worker; see {@link createOneTaskWorker}. */
export interface OneTaskWorker {
  /** The phase machine (read-only use: where the worker stands). */
  readonly phase: TaskPhase;
  /** Runs the worker's job and posts its outcome; a second job is ignored. Never rejects. */
  run(job: OneTaskJob, options?: OneTaskRunOptions): Promise<void>;
  /** The handler of `uncaughtException` and `unhandledRejection`. */
  onUncaught(thrown: unknown): void;
  /**
   * A prespawned worker's idle time: the runtime warms (loader hook, bootstrap, then `moduleUrls`), and
   * the code a job runs through is compiled while nothing waits for it (V8 compiles a function on its
   * first call; on a job's path that cost ~0.2 ms). Never rejects.
   */
  warm(moduleUrls: readonly string[]): Promise<void>;
  /** A frame from the caller for the task (its messages, its credits): the entry calls it for each. */
  deliver(frame: CallerFrame): void;
}

/**
 * Creates the runtime side of a one-task worker.
 *
 * @example
 * ```ts
 * const worker = createOneTaskWorker({
 *   runtime: createRuntime({ bootstrap, oneTask: true }),
 *   transport: { post: (m, transfer) => parentPort!.postMessage(m, transfer) },
 *   beforeTask: 'hold',
 *   exit: () => process.exit(0),
 * });
 * process.on('uncaughtException', worker.onUncaught);
 * parentPort!.once('message', (job) => void worker.run(job));
 * ```
 */
export function createOneTaskWorker(options: OneTaskWorkerOptions): OneTaskWorker {
  const { runtime, transport } = options;
  const phase = new TaskPhase();
  /** An error thrown before the task, held for it (`beforeTask: 'hold'`). */
  let held: TaskFailure | undefined;
  /** The task side of the job's messages (made when the job starts, or a caller frame comes first). */
  let messages: TaskMessages | undefined;
  const mailbox = (): TaskMessages => {
    messages ??= new TaskMessages((frame) => transport.post(frame));
    return messages;
  };

  function fatal(result: Result<unknown>): void {
    transport.post({ t: 'result', result, fatal: true });
  }

  async function run(job: OneTaskJob, opts: OneTaskRunOptions = {}): Promise<void> {
    if (!phase.begin()) return;
    // Into the runtime's cache, as early as it may load, while the bootstrap (if any) finishes.
    if (job.task.kind === 'module') void runtime.load(job.task.module);
    const announce = opts.announce ?? true;
    if (announce || opts.gate) {
      const [bootFailure] = await Promise.all([runtime.ready(), opts.gate]);
      if (announce && bootFailure === undefined && held === undefined) transport.post({ t: 'start' });
    }
    phase.started();
    if (held) {
      finish({ ok: false, error: held, ms: 0 });
      return;
    }
    // While the task runs, the worker stays up even if nothing else holds its event loop open: a task
    // whose promise never settles is still running (it ends at its timeout or abort, like everywhere).
    const keepAlive = intervalEvery(noop, KEEP_ALIVE_MS);
    return new PromiseCtor<void>((resolve) => {
      const done = (result: Result<unknown>): void => {
        intervalClear(keepAlive);
        finish(result);
        resolve(undefined);
      };
      const now = runtime.start(job.task, job.args, { id: job.id, messages: mailbox() }, done);
      if (now !== undefined) done(now);
    });
  }

  /** Posts the task's outcome (unless an uncaught error already failed it). */
  function finish(result: Result<unknown>): void {
    if (!phase.end()) return; // an uncaught error already failed this task
    messages?.end();
    let transfer: ArrayBuffer[] | undefined;
    try {
      transfer =
        options.transferList && result.ok && typeof result.value === 'object' && result.value !== null
          ? options.transferList(result.value)
          : undefined;
    } catch {
      transfer = undefined; // inspecting the value threw: it is copied (or refused) instead
    }
    // What the task printed goes out first: a parent holding the result may close this worker.
    afterOutput(() => {
      postOutcome(
        transport,
        result,
        (r): OneTaskMessage => ({ t: 'result', result: r }),
        transfer,
        options.maxResultMb,
      );
      options.afterResult?.();
    });
  }

  function onUncaught(thrown: unknown): void {
    const found = phase.attribute(thrown);
    if (found.phase === 'waiting') {
      if (options.beforeTask === 'hold') {
        held ??= found.failure;
        return;
      }
      phase.end();
      fatal({ ok: false, error: found.failure, ms: 0 });
    } else if (found.phase === 'running') {
      phase.end();
      fatal({ ok: false, error: found.failure, ms: found.ms });
    } else {
      transport.post({ t: 'stray', failure: found.failure });
    }
    // Like Node's default for an uncaught error, the worker ends.
    options.exit();
  }

  async function warm(urls: readonly string[]): Promise<void> {
    await runtime.warm(urls);
    if (phase.phase === 'waiting') await primeJobPath();
  }

  function deliver(frame: CallerFrame): void {
    if (phase.phase !== 'done') mailbox().deliver(frame);
  }

  return { phase, run, onUncaught, warm, deliver };
}

function noop(): void {}

/** The keep-alive timer's period: it only holds the event loop open, it never needs to fire. */
const KEEP_ALIVE_MS = 2 ** 30;

/**
 * Compiles the job path (this module's, the runtime's, the result encoding's functions) by one run of
 * an inline no-op on a private runtime whose messages go nowhere: the function literals are shared, so
 * the worker's own job then runs compiled code. Nothing of it reaches the worker's runtime, its module
 * map or its parent, and it settles within the current turn (nothing it awaits does I/O), before any
 * job message can be handled.
 */
function primeJobPath(): Promise<void> {
  const shadow = createOneTaskWorker({
    runtime: createRuntime({ oneTask: true }),
    transport: { post: () => {} },
    beforeTask: 'hold',
    exit: () => {},
  });
  return shadow.run({ id: -1, task: { kind: 'inline', source: '() => 0' }, args: [] });
}
