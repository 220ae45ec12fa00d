/**
 * Baseline: a raw `child_process.fork` per task, the floor the fork driver's cold start is held to, and
 * with `prespawn` the floor of its warm case. Advanced serialization like the fork driver; a timeout
 * kills the child.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { READY, TaskReply } from '../workers/dispatch.js';
import { perTaskBaseline } from './per-task-baseline.js';
import type { Unit } from './spawn-per-task.js';
import type { Subject } from './subject.js';
import { unitDeath } from './unit-death.js';

const CHILD = fileURLToPath(new URL('../workers/raw-child.js', import.meta.url));

function spawnChild(memoryLimitMb: number | undefined): Unit {
  const child = fork(CHILD, [], {
    serialization: 'advanced',
    execArgv: memoryLimitMb ? [`--max-old-space-size=${memoryLimitMb}`] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const death = unitDeath();
  child.on('error', (err) => death.die(`${err.name}: ${err.message}`));
  child.on('exit', (code, signal) =>
    death.die(signal ? `child killed by ${signal}` : `child exited with code ${code}`),
  );
  return {
    send: (request) => {
      child.send(request);
    },
    onMessage: (listener) => child.on('message', (m) => listener(m as TaskReply | typeof READY)),
    onDeath: death.onDeath,
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
  return perTaskBaseline({
    id: 'raw-fork',
    label: 'raw child_process.fork',
    model: 'hand-written: fork() per task, killed after reply',
    timeout: 'child.kill()',
    processes: true,
    spawn: spawnChild,
  });
}
