/**
 * Baseline: a raw `child_process.fork` per task, the floor the fork driver's cold start is held to, and
 * with `prespawn` the floor of its warm case. Advanced serialization like the fork driver; a timeout
 * kills the child.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { READY, TaskReply } from '../workers/dispatch.js';
import { SpawnPerTaskSession, type Unit } from './spawn-per-task.js';
import type { Session, SessionOptions, Subject } from './subject.js';

const CHILD = fileURLToPath(new URL('../workers/raw-child.js', import.meta.url));

function spawnChild(memoryLimitMb: number | undefined): Unit {
  const child = fork(CHILD, [], {
    serialization: 'advanced',
    execArgv: memoryLimitMb ? [`--max-old-space-size=${memoryLimitMb}`] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let dead = false;
  const deathListeners: ((why: string) => void)[] = [];
  const die = (why: string): void => {
    if (dead) return;
    dead = true;
    for (const l of deathListeners) l(why);
  };
  child.on('error', (err) => die(`${err.name}: ${err.message}`));
  child.on('exit', (code, signal) =>
    die(signal ? `child killed by ${signal}` : `child exited with code ${code}`),
  );
  return {
    send: (request) => {
      child.send(request);
    },
    onMessage: (listener) => child.on('message', (m) => listener(m as TaskReply | typeof READY)),
    onDeath: (listener) => deathListeners.push(listener),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/**
 * The raw `child_process.fork` subject.
 *
 * @example
 * ```ts
 * const session = await rawForkSubject().open({ concurrency: 2 });
 * ```
 */
export function rawForkSubject(): Subject {
  return {
    id: 'raw-fork',
    family: 'raw-fork',
    label: 'raw child_process.fork',
    kind: 'baseline',
    model: 'hand-written: fork() per task, killed after reply',
    features: {
      timeout: 'child.kill()',
      memoryLimit: true,
      perTask: true,
      processes: true,
      inProcess: false,
    },
    baselines: {},
    async open(options: SessionOptions): Promise<Session> {
      const session = new SpawnPerTaskSession(() => spawnChild(options.memoryLimitMb), options);
      await session.warm();
      return session;
    },
  };
}
