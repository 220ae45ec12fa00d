/**
 * The pool's table of task specs. Each distinct task (a module export, or an inline function's source)
 * gets a small number once; jobs travel with that number, and a worker is sent the spec itself only the
 * first time it meets it. The table also keeps the task modules used most recently, which a new worker
 * loads before it says it is ready, so a replacement is as warm as the worker it replaces.
 */
import { RecentModules, type TaskSpec } from '@isolane/core/driver-kit';
import type { SpecIntro } from './protocol.js';

/** How many task modules a new worker loads before it is ready (the most recently first used). */
const PRELOAD = 16;

/**
 * Task specs by reference.
 *
 * @example
 * ```ts
 * const specs = new TaskSpecTable((spec) => console.log('new task', spec));
 * const ref = specs.refOf(job.task); // the same number for the same task, whatever object describes it
 * worker.post([TO_WORKER_JOBS, job.id, specs.intro(ref), job.args]);
 * ```
 */
export class TaskSpecTable {
  readonly #refs = new WeakMap<TaskSpec, number>();
  readonly #keys = new Map<string, number>();
  readonly #specs: TaskSpec[] = [];
  /** Module URLs of the tasks seen so far, the most recently first used first (at most PRELOAD). */
  readonly #modules = new RecentModules(PRELOAD);
  readonly #onNew: ((spec: TaskSpec) => void) | undefined;

  /** @param onNew - called with each task spec the first time it is seen. */
  constructor(onNew?: (spec: TaskSpec) => void) {
    this.#onNew = onNew;
  }

  /** The reference of `spec`. */
  refOf(spec: TaskSpec): number {
    let ref = this.#refs.get(spec);
    if (ref !== undefined) return ref;
    const key = spec.kind === 'module' ? `m\0${spec.module}\0${spec.name}` : `i\0${spec.source}`;
    ref = this.#keys.get(key);
    if (ref === undefined) {
      ref = this.#specs.length;
      this.#specs.push(spec);
      this.#keys.set(key, ref);
      this.#onNew?.(spec);
      if (spec.kind === 'module') this.#modules.note(spec.module);
    }
    this.#refs.set(spec, ref);
    return ref;
  }

  /** The spec of `ref` with its reference, as a worker meeting it for the first time is sent it. */
  intro(ref: number): SpecIntro {
    return { ref, spec: this.#specs[ref]! };
  }

  /** The task modules a new worker loads before it is ready (a copy). */
  recentModules(): string[] {
    return this.#modules.list();
  }
}
