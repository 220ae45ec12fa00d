/**
 * A WaitGroup's sink for one job: what its driver reports the job's outcome, late errors and task
 * frames to. While the slot is open it reaches its group. Once settled it lets go of the group (unless
 * the group's slots exchange messages): a driver may keep a settled job's sink for a while — the pool
 * keeps the last 4,096 to route late errors — and a group made per request must not stay alive through
 * it, with its results and arguments (measured: that retention was most of a per-request group's GC
 * time). A settled slot still routes what may come late, as its group would: an error to the group's
 * `onError` (or stderr), a task message counted as dropped on the group, anything else ignored.
 */
import type { JobHandle, JobSink } from './driver.js';
import type { TaskFailure } from './failure.js';
import type { TaskFrame } from './message-frames.js';
import type { Result } from './result.js';
import { reportStray, type StrayHandler } from './stray-routing.js';

/**
 * What settled slots keep of their group: where late errors go and the count of task messages that
 * came after their slot settled. One per group, made on its first detached slot.
 *
 * @example
 * ```ts
 * const route = new SettledRoute(options.onError);
 * slot.detach(route); // the slot settled
 * ```
 */
export class SettledRoute {
  /** Task messages that came for a detached slot (dropped: their slot had settled). */
  dropped = 0;
  constructor(readonly onError: StrayHandler | undefined) {}
}

/** How an open slot reaches its group's private bookkeeping (set once by the group's class). */
export interface SlotHooks<G> {
  settle(group: G, index: number, result: Result<unknown>): void;
  stray(group: G, index: number, failure: TaskFailure): void;
  fromTask(group: G, index: number, frame: TaskFrame): void;
}

/**
 * One job's sink.
 *
 * @example
 * ```ts
 * const slot = new GroupSlot(hooks, group, 0);
 * slot.handle = driver.start(job, slot);
 * ```
 */
export class GroupSlot<G> implements JobSink {
  /** The driver's handle of the job, while the slot is open. */
  handle: JobHandle | undefined;
  readonly #hooks: SlotHooks<G>;
  #group: G | undefined;
  #route: SettledRoute | undefined;

  constructor(
    hooks: SlotHooks<G>,
    group: G,
    readonly index: number,
  ) {
    this.#hooks = hooks;
    this.#group = group;
  }

  /** The slot settled: it lets go of its group and its job, and routes late arrivals by `route`. */
  detach(route: SettledRoute): void {
    this.#group = undefined;
    this.handle = undefined;
    this.#route = route;
  }

  settle(result: Result<unknown>): void {
    // Detached: the slot has its one result already, so a second one is ignored.
    if (this.#group !== undefined) this.#hooks.settle(this.#group, this.index, result);
  }

  stray(failure: TaskFailure): void {
    if (this.#group !== undefined) this.#hooks.stray(this.#group, this.index, failure);
    else reportStray(this.#route?.onError, failure, this.index);
  }

  fromTask(frame: TaskFrame): void {
    if (this.#group !== undefined) this.#hooks.fromTask(this.#group, this.index, frame);
    else if (frame.t === 'msg' && this.#route !== undefined) this.#route.dropped++;
  }
}
