/**
 * What the raw per-task baselines share: a fresh worker or child per task, started under a concurrency
 * gate, optionally kept `prespawn` ahead (started and ready before a task needs it), answering one
 * request and then discarded. The thread and process flavours only differ in how a unit is spawned.
 */
import { READY, type TaskReply, type TaskRequest } from '../workers/dispatch.js';
import type { TaskName } from '../workers/tasks.js';
import { SlotQueue } from './slot-queue.js';
import { runManyVia, type Session, type SessionOptions } from './subject.js';

/** One spawned unit (a Worker or a ChildProcess), reduced to what the session needs. */
export interface Unit {
  send(request: TaskRequest): void;
  onMessage(listener: (message: TaskReply | typeof READY) => void): void;
  /** Called once when the unit dies or fails to start, with a description. */
  onDeath(listener: (why: string) => void): void;
  kill(): void;
}

let nextId = 1;

/** A session that spawns one unit per task. */
export class SpawnPerTaskSession implements Session {
  readonly #spawn: () => Unit;
  readonly #queue: SlotQueue;
  readonly #timeoutMs: number;
  readonly #prespawn: number;
  readonly #ready: Unit[] = [];
  readonly #live = new Set<Unit>();
  #closed = false;

  constructor(spawn: () => Unit, options: SessionOptions) {
    this.#spawn = spawn;
    this.#queue = new SlotQueue(options.concurrency);
    this.#timeoutMs = options.timeoutMs ?? 0;
    this.#prespawn = options.prespawn ?? 0;
    this.#refill();
  }

  /** Resolves once every prespawned unit has said it is ready. */
  async warm(): Promise<void> {
    while (this.#ready.length < this.#prespawn && !this.#closed) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  #refill(): void {
    while (!this.#closed && this.#ready.length + this.#starting < this.#prespawn) {
      this.#starting++;
      const unit = this.#track(this.#spawn());
      let ready = false;
      unit.onMessage((message) => {
        if (message === READY && !ready) {
          ready = true;
          this.#starting--;
          if (this.#closed) unit.kill();
          else this.#ready.push(unit);
        }
      });
      unit.onDeath(() => {
        if (!ready) this.#starting--;
        const i = this.#ready.indexOf(unit);
        if (i >= 0) this.#ready.splice(i, 1);
      });
    }
  }
  #starting = 0;

  #track(unit: Unit): Unit {
    this.#live.add(unit);
    unit.onDeath(() => this.#live.delete(unit));
    return unit;
  }

  run(name: TaskName, arg?: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#queue.start((done) => {
        const unit = this.#ready.shift() ?? this.#track(this.#spawn());
        const id = nextId++;
        let settled = false;
        let timer: NodeJS.Timeout | undefined;
        const finish = (fn: () => void): void => {
          if (settled) return;
          settled = true;
          if (timer) clearTimeout(timer);
          unit.kill();
          done();
          fn();
        };
        unit.onMessage((message) => {
          if (message === READY || message.id !== id) return;
          finish(() =>
            message.ok
              ? resolve(message.value)
              : reject(Object.assign(new Error(message.error.message), { name: message.error.name })),
          );
        });
        unit.onDeath((why) => finish(() => reject(new Error(`crashed: ${why}`))));
        if (this.#timeoutMs > 0) {
          timer = setTimeout(
            () => finish(() => reject(new Error(`timeout: killed after ${this.#timeoutMs} ms`))),
            this.#timeoutMs,
          );
        }
        unit.send({ id, name, ...(arg === undefined ? {} : { arg }) });
        this.#refill();
      });
    });
  }

  runMany(name: TaskName, arg: unknown, count: number): Promise<number> {
    return runManyVia((n, a) => this.run(n, a), name, arg, count);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#queue.clear();
    for (const unit of this.#live) unit.kill();
    this.#live.clear();
    this.#ready.length = 0;
  }
}
