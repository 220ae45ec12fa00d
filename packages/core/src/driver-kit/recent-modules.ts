/**
 * The task modules a driver used most recently, which the workers it starts ahead of demand (prespawned
 * threads and children, a pool's replacement workers) load before their first task, so a fresh worker
 * is as warm as the one it replaces. Bounded, most recent first, each module once.
 */

/**
 * A bounded most-recent-first list of module URLs.
 *
 * @example
 * ```ts
 * const recent = new RecentModules(8);
 * recent.note('file:///app/a.js');
 * recent.note('file:///app/b.js');
 * recent.list(); // ['file:///app/b.js', 'file:///app/a.js']
 * ```
 */
export class RecentModules {
  readonly #limit: number;
  readonly #urls: string[] = [];

  /** @param limit - how many modules are kept (the oldest is dropped beyond it). */
  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`RecentModules: limit must be an integer of at least 1, got ${String(limit)}`);
    }
    this.#limit = limit;
  }

  /** Records a use of `url`: it becomes the most recent. */
  note(url: string): void {
    const urls = this.#urls;
    if (urls[0] === url) return;
    const at = urls.indexOf(url);
    if (at >= 0) urls.splice(at, 1);
    urls.unshift(url);
    if (urls.length > this.#limit) urls.pop();
  }

  /** How many modules are kept now. */
  get size(): number {
    return this.#urls.length;
  }

  /** The modules, most recent first (a copy: later notes do not change it). */
  list(): string[] {
    return this.#urls.slice();
  }
}
