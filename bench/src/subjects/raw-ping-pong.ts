/**
 * Baseline: a raw `postMessage` ping-pong to warm Workers — the physical floor of a warm round trip and
 * of pipelined throughput. No queue, no bookkeeping beyond a reply id: nothing a pool could skip.
 */
import { Worker } from 'node:worker_threads';
import { READY, type TaskReply } from '../workers/dispatch.js';
import type { TaskName } from '../workers/tasks.js';
import type { Session, SessionOptions, Subject } from './subject.js';

const WORKER = new URL('../workers/raw-worker.js', import.meta.url);

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

class PingPongSession implements Session {
  readonly #workers: Worker[];
  readonly #pending = new Map<number, Pending>();
  #next = 0;
  #id = 1;
  #batch: ((reply: TaskReply) => void) | undefined;

  constructor(workers: Worker[]) {
    this.#workers = workers;
    for (const w of workers) {
      w.on('message', (reply: TaskReply | typeof READY) => {
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
      const w = this.#workers[this.#next]!;
      this.#next = (this.#next + 1) % this.#workers.length;
      w.postMessage({ id, name, arg });
    });
  }

  /** Pipelined: every message posted at once, replies only counted. */
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
      const n = this.#workers.length;
      for (let i = 0; i < count; i++) this.#workers[i % n]!.postMessage({ id: i, name, arg });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

/**
 * The raw ping-pong subject: `concurrency` warm Workers, requests posted round-robin.
 *
 * @example
 * ```ts
 * const session = await rawPingPongSubject().open({ concurrency: 1 });
 * await session.run('noop', 1);
 * ```
 */
export function rawPingPongSubject(): Subject {
  return {
    id: 'raw-ping-pong',
    family: 'raw-ping-pong',
    label: 'raw postMessage ping-pong',
    kind: 'baseline',
    model: 'hand-written: warm Workers, postMessage round-robin',
    features: {
      timeout: null,
      memoryLimit: false,
      perTask: false,
      processes: false,
      inProcess: false,
      noProbes: 'a timing floor, not a runtime: it has no failure handling to probe',
      noCold: 'its cold start is the raw new Worker row',
    },
    baselines: {},
    async open(options: SessionOptions): Promise<Session> {
      const workers: Worker[] = [];
      const ready: Promise<void>[] = [];
      for (let i = 0; i < Math.max(1, options.concurrency); i++) {
        const w = new Worker(WORKER);
        workers.push(w);
        ready.push(
          new Promise((resolve, reject) => {
            w.once('message', () => resolve());
            w.once('error', reject);
          }),
        );
      }
      await Promise.all(ready);
      return new PingPongSession(workers);
    },
  };
}
