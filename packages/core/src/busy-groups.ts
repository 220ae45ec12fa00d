/**
 * The groups that have unfinished slots right now, so `shutdown()` can abort them (every slot settles
 * as aborted) before it closes the drivers. A group is listed only while it is busy, so idle groups
 * cost nothing and are never kept alive by this list. The list lives on `globalThis` so every copy of
 * core in a process shares it.
 */

/** What shutdown needs of a group. */
export interface Abortable {
  abort(reason?: unknown): void;
}

const KEY = Symbol.for('isolane.busyGroups');

/**
 * The process-wide set of busy groups.
 *
 * @example
 * ```ts
 * busyGroups().add(group); // when its first slot opens
 * ```
 */
export function busyGroups(): Set<Abortable> {
  if (known !== undefined) return known;
  const holder = globalThis as unknown as Record<symbol, Set<Abortable> | undefined>;
  let set = holder[KEY];
  if (!set) {
    set = new Set();
    holder[KEY] = set;
  }
  known = set;
  return set;
}

/** The set once found: a group per request looks it up twice, and a symbol on `globalThis` is slow. */
let known: Set<Abortable> | undefined;
