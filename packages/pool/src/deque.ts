/**
 * A FIFO with O(1) push and shift and a cheap prepend, for the pool's job queue and each worker's jobs in
 * flight. `Array.prototype.shift` is O(n) on large arrays, which would make a deep queue quadratic.
 */

/**
 * A double-ended queue over an array and a head index.
 *
 * @example
 * ```ts
 * const q = new Deque<number>();
 * q.push(1); q.push(2); q.unshiftAll([0]);
 * q.shift(); // 0
 * ```
 */
export class Deque<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  /** Number of items. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  /** The first item, without removing it. */
  peek(): T | undefined {
    return this.#items[this.#head];
  }

  /** The item at `index` from the front. */
  at(index: number): T | undefined {
    return this.#items[this.#head + index];
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Puts `items` at the front, keeping their order. */
  unshiftAll(items: readonly T[]): void {
    if (items.length === 0) return;
    if (items.length <= this.#head) {
      this.#head -= items.length;
      for (let i = 0; i < items.length; i++) this.#items[this.#head + i] = items[i];
      return;
    }
    this.#items = [...items, ...this.#items.slice(this.#head)];
    this.#head = 0;
  }

  /** Removes and returns every item, in order. */
  drain(): T[] {
    const items = this.#items.slice(this.#head) as T[];
    this.#items = [];
    this.#head = 0;
    return items;
  }
}
