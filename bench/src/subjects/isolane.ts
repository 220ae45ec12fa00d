/**
 * The isolane drivers as bench subjects. Each session owns a private driver instance (created by the
 * driver package's own `createDriver`, as `new WaitGroup({ driver: name })` would) so a cold start is
 * really cold and `close()` really releases it; every task goes through a `WaitGroup`, the public API.
 */
import {
  type Driver,
  type DriverFactory,
  type DriverSettings,
  type TaskFailure,
  WaitGroup,
} from '@isolane/core';
import {
  LOCAL_DRIVERS,
  type LocalDriverName,
  loadDriverFactory as loadFactoryByName,
} from '@isolane/core/driver-kit';
import * as IN_MODULE_TASKS from '../workers/isolane-module-tasks.js';
import { MODULE_TASKS } from '../workers/isolane-tasks.js';
import type { TaskName } from '../workers/tasks.js';
import { bounded, type Session, type SessionOptions, type Subject, type SubjectFeatures } from './subject.js';

/** The isolane driver names the bench knows: core's local drivers (every shipped one but `queue`). */
export const DRIVER_IDS: readonly LocalDriverName[] = LOCAL_DRIVERS;
export type DriverId = LocalDriverName;

/**
 * Loads a driver package's `createDriver` by core's own lookup (from the bench first). Rejects with a
 * readable reason when the package is missing, not built, or exports no factory: the bench reports the
 * driver as unavailable instead of crashing.
 *
 * @example
 * ```ts
 * const factory = await loadDriverFactory('thread');
 * ```
 */
export async function loadDriverFactory(id: DriverId): Promise<DriverFactory> {
  try {
    return await loadFactoryByName(id, { from: import.meta.url });
  } catch (err) {
    const e = err as { code?: string; name?: string; message?: string };
    const missing = e.code === 'ERR_MODULE_NOT_FOUND' || e.name === 'DriverNotInstalledError';
    const why = missing ? 'not built or not installed' : 'fails to load';
    throw new Error(`@isolane/${id} ${why}: ${String(e.message ?? err).split('\n')[0]}`);
  }
}

/** An error for a failed slot that keeps the failure's kind visible to the probes. */
function failureError(failure: TaskFailure): Error {
  const err = new Error(`${failure.kind}: ${failure.name}: ${failure.message}`);
  err.name = 'TaskFailure';
  return err;
}

/**
 * One long-lived `WaitGroup` on a session's driver, each `run()` a `go()` plus taking that one
 * completion from the group's async iterator: the reused-group pattern, next to the session's own
 * `run()` (a new group per request).
 */
export interface ReusedGroup {
  /** Submits one task to the long-lived group and settles with its value; rejects when it failed. */
  run(name: TaskName, arg?: unknown): Promise<unknown>;
  /** Releases the group (not the driver: the session still owns it). */
  close(): Promise<void>;
}

/**
 * A bench session over one private driver: every call goes through a `WaitGroup` (a group per call, as
 * a per-request group in a server would use it; `reusedGroup()` gives the one-long-lived-group pattern). `afterClose` releases what the subject started
 * beside the driver (worker processes, a Redis server).
 *
 * @example
 * ```ts
 * const session = new IsolaneSession(createDriver({ concurrency: 2 }), { concurrency: 2 });
 * await session.run('noop', 1);
 * await session.close();
 * ```
 */
export class IsolaneSession implements Session {
  readonly #driver: Driver;
  readonly #afterClose: (() => Promise<void>) | undefined;
  readonly #groupOptions: ConstructorParameters<typeof WaitGroup>[0];
  readonly #tasks: Record<TaskName, (arg?: unknown) => unknown>;
  readonly lateErrors: string[] = [];

  constructor(driver: Driver, options: SessionOptions, afterClose?: () => Promise<void>) {
    this.#driver = driver;
    this.#afterClose = afterClose;
    // The in-module catalogue's exports are named after the catalogue's tasks.
    this.#tasks = options.tasksImportCore
      ? (IN_MODULE_TASKS satisfies Record<TaskName, unknown>)
      : MODULE_TASKS;
    this.#groupOptions = {
      driver,
      timeout: options.timeoutMs ?? 0,
      globals: [],
      onError: (failure: TaskFailure) => this.lateErrors.push(`${failure.kind}: ${failure.message}`),
    };
  }

  run(name: TaskName, arg?: unknown): Promise<unknown> {
    // A group per call, as a per-request group in a server would use it.
    const wg = new WaitGroup(this.#groupOptions);
    wg.go(this.#tasks[name], arg);
    return wg.wait().then(([result]) => {
      if (!result) throw new Error('the group returned no result');
      if (result.ok) return result.value;
      throw failureError(result.error);
    });
  }

  /**
   * A long-lived group on this session's driver (see {@link ReusedGroup}); the caller closes it before
   * the session.
   */
  reusedGroup(): ReusedGroup {
    const wg = new WaitGroup(this.#groupOptions);
    const completions = wg[Symbol.asyncIterator]();
    const tasks = this.#tasks;
    return {
      async run(name: TaskName, arg?: unknown): Promise<unknown> {
        wg.go(tasks[name], arg);
        const next = await completions.next();
        if (next.done) throw new Error('the reused group ended');
        const result = next.value.result;
        if (result.ok) return result.value;
        throw failureError(result.error);
      },
      async close(): Promise<void> {
        // Suspended at a yield (each run took its completion), so this returns at once; bounded anyway.
        await bounded(completions.return(undefined), 1_000);
        await bounded(wg.close(), 10_000);
      },
    };
  }

  async runMany(name: TaskName, arg: unknown, count: number): Promise<number> {
    const wg = new WaitGroup(this.#groupOptions);
    const task = this.#tasks[name];
    for (let i = 0; i < count; i++) wg.go(task, arg);
    const results = await wg.wait();
    let ok = 0;
    for (const r of results) if (r.ok) ok++;
    return ok;
  }

  async close(): Promise<void> {
    await bounded(this.#driver.close(), 10_000);
    await this.#afterClose?.();
  }
}

/**
 * The reused-group pattern of a session, when it is an isolane session (peers have no group to reuse:
 * their per-request call is their only call).
 *
 * @example
 * ```ts
 * const group = reusedGroupOf(session); // undefined for piscina, p-limit, ...
 * ```
 */
export function reusedGroupOf(session: Session): ReusedGroup | undefined {
  return session instanceof IsolaneSession ? session.reusedGroup() : undefined;
}

interface IsolaneSubjectSpec {
  readonly id: string;
  readonly driver: DriverId;
  readonly label: string;
  readonly model: string;
  readonly features: SubjectFeatures;
  readonly baselines: Subject['baselines'];
  /** Driver-specific options always passed (e.g. pool recycling). */
  readonly driverOptions?: Readonly<Record<string, unknown>>;
}

function isolaneSubject(spec: IsolaneSubjectSpec): Subject {
  return {
    id: spec.id,
    family: spec.driver,
    label: spec.label,
    kind: 'driver',
    model: spec.model,
    features: spec.features,
    baselines: spec.baselines,
    async open(options: SessionOptions): Promise<Session> {
      const factory = await loadDriverFactory(spec.driver);
      const driverOptions: Record<string, unknown> = { ...(spec.driverOptions ?? {}) };
      if (options.prespawn !== undefined && (spec.driver === 'thread' || spec.driver === 'fork'))
        driverOptions.prespawn = options.prespawn;
      const settings: DriverSettings = {
        concurrency: options.concurrency,
        ...(options.memoryLimitMb !== undefined && spec.features.memoryLimit
          ? { memoryLimitMb: options.memoryLimitMb }
          : {}),
        ...(Object.keys(driverOptions).length > 0 ? { options: driverOptions } : {}),
      };
      return new IsolaneSession(factory(settings), options);
    },
  };
}

/**
 * A fresh worker thread per task, whichever driver provides it (the thread driver, or the pool recycling
 * each worker after one task): the same features, and held to the raw `new Worker` on every figure.
 */
const THREAD_PER_TASK: Pick<IsolaneSubjectSpec, 'features' | 'baselines'> = {
  features: {
    timeout: 'worker terminated',
    memoryLimit: true,
    perTask: true,
    processes: false,
    inProcess: false,
  },
  baselines: { cold: 'raw-worker', warm: 'raw-worker', throughput: 'raw-worker' },
};

/**
 * The isolane subjects: the four drivers plus the pool's variants — warm child processes instead of
 * threads (`runtime: 'process'`), and a fresh worker per task (the setting that removes the state the
 * pool otherwise shares between tasks).
 *
 * @example
 * ```ts
 * const thread = isolaneSubjects().find((s) => s.id === 'thread');
 * ```
 */
export function isolaneSubjects(): Subject[] {
  return [
    isolaneSubject({
      id: 'cooperative',
      driver: 'cooperative',
      label: 'isolane cooperative',
      model: 'async call on the caller event loop (p-limit)',
      features: {
        timeout: 'abort signal only (cannot preempt)',
        memoryLimit: false,
        perTask: false,
        processes: false,
        inProcess: true,
      },
      // Per request, held to p-limit doing the same snapshot work (a structuredClone in and out).
      baselines: { warm: 'p-limit-clone', throughput: 'poolifier' },
    }),
    isolaneSubject({
      id: 'thread',
      driver: 'thread',
      label: 'isolane thread',
      model: 'fresh worker_threads Worker per task',
      ...THREAD_PER_TASK,
    }),
    isolaneSubject({
      id: 'fork',
      driver: 'fork',
      label: 'isolane fork',
      model: 'fresh child process per task (child_process.fork)',
      features: {
        timeout: 'process killed',
        memoryLimit: true,
        perTask: true,
        processes: true,
        inProcess: false,
      },
      baselines: { cold: 'raw-fork', warm: 'raw-fork', throughput: 'raw-fork' },
    }),
    isolaneSubject({
      id: 'pool',
      driver: 'pool',
      label: 'isolane pool',
      model: 'warm reusable worker threads (pipelined, micro-batched)',
      features: {
        timeout: 'worker terminated',
        memoryLimit: true,
        perTask: false,
        processes: false,
        inProcess: false,
      },
      baselines: { cold: 'raw-worker', warm: 'raw-ping-pong', throughput: 'poolifier' },
    }),
    isolaneSubject({
      id: 'pool-process',
      driver: 'pool',
      label: 'isolane pool (processes)',
      model: "warm reusable child processes, runtime 'process' (pipelined, micro-batched)",
      features: {
        timeout: 'process killed',
        memoryLimit: true,
        perTask: false,
        processes: true,
        inProcess: false,
      },
      baselines: { cold: 'raw-fork', warm: 'raw-process-ping-pong', throughput: 'tinypool-process' },
      driverOptions: { runtime: 'process' },
    }),
    isolaneSubject({
      id: 'pool-recycle',
      driver: 'pool',
      label: 'isolane pool, maxTasksPerWorker 1',
      model: 'worker threads, each replaced after one task (replacement started ahead)',
      ...THREAD_PER_TASK,
      driverOptions: { maxTasksPerWorker: 1 },
    }),
  ];
}
