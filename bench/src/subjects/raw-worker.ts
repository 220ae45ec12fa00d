/**
 * Baseline: a raw `new Worker` per task, the floor the thread driver's cold start is held to, and with
 * `prespawn` the floor of its warm case. Hand-written the way a user would: post the request, take the
 * first reply, terminate; a timeout terminates the worker.
 */
import { Worker } from 'node:worker_threads';
import type { READY, TaskReply } from '../workers/dispatch.js';
import { SpawnPerTaskSession, type Unit } from './spawn-per-task.js';
import type { Session, SessionOptions, Subject } from './subject.js';

const WORKER = new URL('../workers/raw-worker.js', import.meta.url);

function spawnWorker(memoryLimitMb: number | undefined): Unit {
  const worker = new Worker(
    WORKER,
    memoryLimitMb ? { resourceLimits: { maxOldGenerationSizeMb: memoryLimitMb } } : {},
  );
  let dead = false;
  const deathListeners: ((why: string) => void)[] = [];
  const die = (why: string): void => {
    if (dead) return;
    dead = true;
    for (const l of deathListeners) l(why);
  };
  worker.on('error', (err) => die(`${err.name}: ${err.message}`));
  worker.on('exit', (code) => die(`worker exited with code ${code}`));
  return {
    send: (request) => worker.postMessage(request),
    onMessage: (listener) => worker.on('message', (m: TaskReply | typeof READY) => listener(m)),
    onDeath: (listener) => deathListeners.push(listener),
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
  return {
    id: 'raw-worker',
    family: 'raw-worker',
    label: 'raw new Worker',
    kind: 'baseline',
    model: 'hand-written: new Worker per task, terminate after reply',
    features: {
      timeout: 'worker.terminate()',
      memoryLimit: true,
      perTask: true,
      processes: false,
      inProcess: false,
    },
    baselines: {},
    async open(options: SessionOptions): Promise<Session> {
      const session = new SpawnPerTaskSession(() => spawnWorker(options.memoryLimitMb), options);
      await session.warm();
      return session;
    },
  };
}
