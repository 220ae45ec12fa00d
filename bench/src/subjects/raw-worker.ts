/**
 * Baseline: a raw `new Worker` per task, the floor the thread driver's cold start is held to, and with
 * `prespawn` the floor of its warm case. Hand-written the way a user would: post the request, take the
 * first reply, terminate; a timeout terminates the worker.
 */
import { Worker } from 'node:worker_threads';
import type { READY, TaskReply } from '../workers/dispatch.js';
import { heapLimit } from './heap-limit.js';
import { perTaskBaseline } from './per-task-baseline.js';
import type { Unit } from './spawn-per-task.js';
import type { Subject } from './subject.js';
import { unitDeath } from './unit-death.js';

const WORKER = new URL('../workers/raw-worker.js', import.meta.url);

function spawnWorker(memoryLimitMb: number | undefined): Unit {
  const worker = new Worker(WORKER, heapLimit(memoryLimitMb));
  const death = unitDeath();
  worker.on('error', (err) => death.die(`${err.name}: ${err.message}`));
  worker.on('exit', (code) => death.die(`worker exited with code ${code}`));
  return {
    send: (request) => worker.postMessage(request),
    onMessage: (listener) => worker.on('message', (m: TaskReply | typeof READY) => listener(m)),
    onDeath: death.onDeath,
    kill: () => {
      void worker.terminate();
    },
  };
}

/**
 * The raw `new Worker` subject.
 *
 * @example
 * ```ts
 * const session = await rawWorkerSubject().open({ concurrency: 2 });
 * ```
 */
export function rawWorkerSubject(): Subject {
  return perTaskBaseline({
    id: 'raw-worker',
    label: 'raw new Worker',
    model: 'hand-written: new Worker per task, terminate after reply',
    timeout: 'worker.terminate()',
    processes: false,
    spawn: spawnWorker,
  });
}
