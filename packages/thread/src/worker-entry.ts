/**
 * The entry of every worker thread the thread driver starts: its port protocol around core's one-task
 * runtime, which loads the bootstrap, runs the one task, posts its outcome and attributes uncaught
 * errors by phase. After its outcome the worker lets its own event loop drain (so a timer the task left
 * behind can still throw and be reported as a stray, attributed to this task only) and exits by itself;
 * the parent terminates it if it lingers too long. Its load time is paid by every cold task, so it
 * imports nothing it does not need; the build bundles it with core's runtime into one file
 * (`worker-entry.bundle.js`), so a worker reads one file before the task's own.
 *
 * It talks to its parent on a private MessagePort (see `ChannelHello`), never on `parentPort`: a task can
 * post whatever it likes on `parentPort` or on anything in `workerData`, and none of it is read.
 */
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { type CallerFrame, createOneTaskWorker, createRuntime } from '@isolane/core/runtime';
import type { ChannelHello, JobMessage, WorkerInit, WorkerMessage } from './protocol.js';
import { resultTransferList } from './transferables.js';

const init = workerData as WorkerInit;
const publicPort = parentPort!;

/** How long a worker stays up after posting its result, so the parent reads it before the exit. */
const RESULT_GRACE_MS = 2;

/**
 * Everything else waits for the private channel: the parent's first message on `parentPort`, already
 * queued when the worker starts, so it is taken synchronously before the runtime (bootstrap, task
 * modules) loads anything. From then on nothing here listens to `parentPort`.
 */
function main(channel: MessagePort): void {
  // Bound now, before any task could replace MessagePort.prototype.postMessage (and be handed the port).
  const postMessage = channel.postMessage.bind(channel);
  // Node 20's loader hooks do not reach workers and tsx only hooks the main thread there: the runtime
  // hooks this one (init.tsx) before anything loads.
  const runtime = createRuntime({ bootstrap: init.bootstrap, loaderHook: init.tsx, oneTask: true });
  const worker = createOneTaskWorker({
    runtime,
    transport: {
      post: (message: WorkerMessage, transfer?: readonly ArrayBuffer[]) => postMessage(message, transfer),
    },
    // An error thrown while a prespawned worker waits (a timer its bootstrap left behind) poisons it:
    // the task that takes it fails with that error.
    beforeTask: 'hold',
    // Like Node's default for an uncaught error, the thread ends; messages already posted still arrive.
    exit: () => process.exit(0),
    // Stay up a moment: a worker that starts to exit right after posting makes the parent tear it down
    // before it reads the result (measured: +0.25 ms on every cold task).
    afterResult: () => setTimeout(() => {}, RESULT_GRACE_MS),
    // The worker is discarded after its task: giving its result's buffers away costs it nothing.
    transferList: resultTransferList,
    maxResultMb: init.maxResultMb,
  });

  process.on('uncaughtException', worker.onUncaught);
  process.on('unhandledRejection', worker.onUncaught);

  function execute(job: JobMessage): void {
    // Nothing but the task may keep this worker alive: a task whose promise can never settle ends the
    // worker instead of hanging it, and the parent reports that.
    channel.unref();
    // The timeout counts from the task's start, not from the worker's spawn or the bootstrap.
    void worker.run(job, { announce: job.timed });
  }

  // After the job (in workerData, or the first message of a prespawned worker), what comes on the channel
  // is the caller's messages to the task (see docs/channels.md).
  let prespawned = init.job === undefined;
  channel.on('message', (m: JobMessage | CallerFrame) => {
    if (!prespawned) worker.deliver(m as CallerFrame);
    else {
      prespawned = false;
      execute(m as JobMessage);
    }
  });
  if (init.job) execute(init.job);
  // A prespawned worker gets ready while it waits: the bootstrap, then the modules its driver ran lately.
  else void worker.warm(init.warm ?? []);
}

const hello = receiveMessageOnPort(publicPort)?.message as ChannelHello | undefined;
if (hello !== undefined) main(hello.channel);
// Not queued yet (never seen, but cheap to allow): the first message that comes.
else publicPort.once('message', (m: ChannelHello) => main(m.channel));
