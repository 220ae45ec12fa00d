/**
 * Baseline: a raw IPC ping-pong to warm child processes (`child_process.fork`, advanced serialization,
 * as the pool's process runtime uses) — the physical floor of a warm round trip and of pipelined
 * throughput to a process. No queue, no bookkeeping beyond a reply id: nothing a process pool could skip.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { READY, type TaskReply } from '../workers/dispatch.js';
import type { TaskName } from '../workers/tasks.js';
import type { Session, SessionOptions, Subject } from './subject.js';

const CHILD = fileURLToPath(new URL('../workers/raw-child.js', import.meta.url));

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

class ProcessPingPongSession implements Session {
  readonly #children: ChildProcess[];
  readonly #pending = new Map<number, Pending>();
  #next = 0;
  #id = 1;
  #batch: ((reply: TaskReply) => void) | undefined;

  constructor(children: ChildProcess[]) {
    this.#children = children;
    for (const child of children) {
      child.on('message', (reply: TaskReply | typeof READY) => {
        if (reply === READY) return;
        if (this.#batch) return this.#batch(reply);
        const p = this.#pending.get(reply.id);
        if (!p) return;
        this.#pending.delete(reply.id);
        if (reply.ok) p.resolve(reply.value);
        else p.reject(new Error(reply.error.message));
      });
    }
  }

  run(name: TaskName, arg?: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = this.#id++;
      this.#pending.set(id, { resolve, reject });
      const child = this.#children[this.#next]!;
      this.#next = (this.#next + 1) % this.#children.length;
      child.send({ id, name, arg });
    });
  }

  /** Pipelined: every message sent at once, replies only counted. */
  runMany(name: TaskName, arg: unknown, count: number): Promise<number> {
    return new Promise((resolve) => {
      let replies = 0;
      let ok = 0;
      this.#batch = (reply) => {
        if (reply.ok) ok++;
        if (++replies === count) {
          this.#batch = undefined;
          resolve(ok);
        }
      };
      const n = this.#children.length;
      for (let i = 0; i < count; i++) this.#children[i % n]!.send({ id: i, name, arg });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#children.map(killChild));
  }
}

/** SIGKILLs a child and resolves once it is gone. */
function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Forks one child and resolves once its module graph is loaded (its READY). */
function startChild(): Promise<ChildProcess> {
  const child = fork(CHILD, [], {
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const failed = (why: string) => reject(new Error(`raw ping-pong child: ${why}`));
    child.once('message', () => resolve(child));
    child.once('error', (err) => failed(err.message));
    child.once('exit', (code, signal) => failed(`exited before READY (${signal ?? `code ${code}`})`));
  });
}

/**
 * The raw process ping-pong subject: `concurrency` warm children, requests sent round-robin.
 *
 * @example
 * ```ts
 * const session = await rawProcessPingPongSubject().open({ concurrency: 1 });
 * await session.run('noop', 1);
 * await session.close();
 * ```
 */
export function rawProcessPingPongSubject(): Subject {
  return {
    id: 'raw-process-ping-pong',
    family: 'raw-process-ping-pong',
    label: 'raw child_process IPC ping-pong',
    kind: 'baseline',
    model: "hand-written: warm fork() children, IPC (serialization 'advanced') round-robin",
    features: {
      timeout: null,
      memoryLimit: false,
      perTask: false,
      processes: true,
      inProcess: false,
      noProbes: 'a timing floor, not a runtime: it has no failure handling to probe',
      noCold: 'its cold start is the raw child_process.fork row',
    },
    baselines: {},
    async open(options: SessionOptions): Promise<Session> {
      const started = await Promise.allSettled(
        Array.from({ length: Math.max(1, options.concurrency) }, startChild),
      );
      const children = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failure) {
        await Promise.all(children.map(killChild));
        throw failure.reason;
      }
      return new ProcessPingPongSession(children);
    },
  };
}
