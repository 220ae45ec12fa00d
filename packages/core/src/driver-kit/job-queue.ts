/**
 * The FIFO job queue with a concurrency gate that every driver needs: jobs start at once while fewer
 * than `concurrency` run, the rest wait in order. A ring buffer (power-of-two capacity) gives O(1)
 * push, shift and prepend without `Array.prototype.shift`'s O(n) copy; a job aborted before it
 * started is removed in O(1) by the ticket `push` returned (its slot becomes a hole that `shift`
 * skips).
 */

const EMPTY: unique symbol = Symbol('empty');
type Slot<J> = J | typeof EMPTY;

const MIN_CAPACITY = 16;

/**
 * FIFO of jobs plus the count of running ones, gated by `concurrency`.
 *
 * The two halves can be used apart: `push`/`shift`/`unshiftAll`/`remove`/`drain` are a plain queue;
 * `admit`/`next`/`finish` add the gate (`admit` starts a job at once when there is room, `finish`
 * frees a place, `next` hands out the next waiting job while there is room).
 *
 * @example
 * ```ts
 * const queue = new JobQueue<Run>(2);
 * function start(run: Run): void {
 *   if (queue.admit()) launch(run);           // counted as running: start it now
 *   else run.ticket = queue.push(run);      // waits its turn
 * }
 * function done(): void {
 *   queue.finish();
 *   for (let run = queue.next(); run !== undefined; run = queue.next()) launch(run);
 * }
 * function abortQueued(run: Run): void {
 *   queue.remove(run.ticket, run);          // O(1)
 * }
 * ```
 */
export class JobQueue<J> {
  #slots: Slot<J>[] = new Array<Slot<J>>(MIN_CAPACITY).fill(EMPTY);
  #mask = MIN_CAPACITY - 1;
  /** Absolute position of the first slot (may hold a hole), and one past the last. */
  #head = 0;
  #tail = 0;
  #holes = 0;
  #running = 0;
  #concurrency: number;

  /**
   * @param concurrency - how many jobs may run at once (`Infinity` for no gate); checked by the caller
   *   (see `checkConcurrency`).
   */
  constructor(concurrency = Number.POSITIVE_INFINITY) {
    this.#concurrency = concurrency;
  }

  /** How many jobs may run at once. Raising it does not start waiting jobs by itself: call `next()`. */
  get concurrency(): number {
    return this.#concurrency;
  }

  set concurrency(value: number) {
    this.#concurrency = value;
  }

  /** Jobs counted as running (admitted or handed out by `next`, not yet finished). */
  get running(): number {
    return this.#running;
  }

  /** Jobs waiting (removed ones not counted). */
  get length(): number {
    return this.#tail - this.#head - this.#holes;
  }

  /** True while fewer than `concurrency` jobs run. */
  get hasRoom(): boolean {
    return this.#running < this.#concurrency;
  }

  /**
   * Counts one more job as running and returns true when there is room and nobody waits ahead;
   * otherwise returns false and the caller `push`es the job.
   */
  admit(): boolean {
    if (this.#running >= this.#concurrency || this.length > 0) return false;
    this.#running++;
    return true;
  }

  /** The next waiting job, counted as running, if there is room; else undefined. */
  next(): J | undefined {
    if (this.#running >= this.#concurrency) return undefined;
    const job = this.shift();
    if (job !== undefined) this.#running++;
    return job;
  }

  /** A running job finished: frees its place (never below zero). */
  finish(): void {
    if (this.#running > 0) this.#running--;
  }

  /** Counts a job as running without the gate (a driver that starts one outside the queue). */
  begin(): void {
    this.#running++;
  }

  /** Adds a job at the back; returns its ticket for {@link JobQueue.remove}. */
  push(job: J): number {
    if (this.#tail - this.#head === this.#slots.length) this.#grow();
    const ticket = this.#tail++;
    this.#slots[ticket & this.#mask] = job;
    return ticket;
  }

  /** Removes and returns the first waiting job (undefined when none waits). */
  shift(): J | undefined {
    while (this.#head < this.#tail) {
      const at = this.#head & this.#mask;
      const job = this.#slots[at] as Slot<J>;
      this.#slots[at] = EMPTY;
      this.#head++;
      if (job !== EMPTY) return job;
      this.#holes--;
    }
    return undefined;
  }

  /** The first waiting job, left in place. */
  peek(): J | undefined {
    for (let p = this.#head; p < this.#tail; p++) {
      const job = this.#slots[p & this.#mask] as Slot<J>;
      if (job !== EMPTY) return job;
    }
    return undefined;
  }

  /** The waiting job at `index` from the front (O(1) while nothing was removed). */
  at(index: number): J | undefined {
    if (index < 0 || index >= this.length) return undefined;
    if (this.#holes === 0) return this.#slots[(this.#head + index) & this.#mask] as J;
    let seen = 0;
    for (let p = this.#head; p < this.#tail; p++) {
      const job = this.#slots[p & this.#mask] as Slot<J>;
      if (job !== EMPTY && seen++ === index) return job;
    }
    return undefined;
  }

  /**
   * Puts jobs back at the front, keeping their order (e.g. jobs a dead worker never started). Their
   * old tickets are void.
   */
  unshiftAll(jobs: readonly J[]): void {
    for (let i = jobs.length - 1; i >= 0; i--) {
      if (this.#tail - this.#head === this.#slots.length) this.#grow();
      this.#head--;
      this.#slots[this.#head & this.#mask] = jobs[i] as J;
    }
  }

  /**
   * Removes a waiting job by the ticket `push` returned (an abort before the job started). With
   * `job`, removes only if that ticket still holds that job (pass it: a ticket outlives its job, and
   * `unshiftAll` reuses positions). Returns the removed job, or undefined
   * when it already left the queue.
   */
  remove(ticket: number, job?: J): J | undefined {
    if (ticket < this.#head || ticket >= this.#tail) return undefined;
    const at = ticket & this.#mask;
    const found = this.#slots[at] as Slot<J>;
    if (found === EMPTY || (job !== undefined && found !== job)) return undefined;
    this.#slots[at] = EMPTY;
    if (ticket === this.#head) {
      this.#head++;
      this.#skipHoles();
    } else {
      this.#holes++;
    }
    return found;
  }

  /** Removes and returns every waiting job, in order (closing: they all fail). */
  drain(): J[] {
    const jobs: J[] = [];
    for (let job = this.shift(); job !== undefined; job = this.shift()) jobs.push(job);
    this.#slots = new Array<Slot<J>>(MIN_CAPACITY).fill(EMPTY);
    this.#mask = MIN_CAPACITY - 1;
    this.#head = 0;
    this.#tail = 0;
    this.#holes = 0;
    return jobs;
  }

  /** The waiting jobs, front to back. */
  *[Symbol.iterator](): IterableIterator<J> {
    for (let p = this.#head; p < this.#tail; p++) {
      const job = this.#slots[p & this.#mask] as Slot<J>;
      if (job !== EMPTY) yield job;
    }
  }

  #skipHoles(): void {
    while (this.#holes > 0 && this.#head < this.#tail && this.#slots[this.#head & this.#mask] === EMPTY) {
      this.#head++;
      this.#holes--;
    }
  }

  /** Doubles the ring, keeping every job at its absolute position (tickets stay valid). */
  #grow(): void {
    const size = this.#slots.length * 2;
    const mask = size - 1;
    const slots = new Array<Slot<J>>(size).fill(EMPTY);
    for (let p = this.#head; p < this.#tail; p++) slots[p & mask] = this.#slots[p & this.#mask] as Slot<J>;
    this.#slots = slots;
    this.#mask = mask;
  }
}
