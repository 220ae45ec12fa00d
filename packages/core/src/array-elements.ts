/**
 * Walking an array's elements at the cost structured clone pays: the elements present, not its
 * `length`. `a = []; a[2 ** 32 - 2] = 1` has one element; a loop to `length` would read four billion
 * holes.
 */

// Captured at load: a task may patch the builtins later, the walk must not change with them.
const objectKeys = Object.keys;
const hasOwn = Object.hasOwn;
const MAX_INDEX = 2 ** 32 - 2;

/**
 * Calls `visit(element, index)` for every element `array` has, in index order, skipping holes. A dense
 * array is read by index; at the first hole the rest is read from its own keys, so a sparse array costs
 * O(elements present) whatever its `length`.
 *
 * @example
 * ```ts
 * const a: number[] = [];
 * a[2 ** 26] = 1;
 * forEachElement(a, (value, index) => console.log(index, value)); // 67108864 1 — at once
 * ```
 */
export function forEachElement(
  array: readonly unknown[],
  visit: (value: unknown, index: number) => void,
): void {
  const length = array.length;
  for (let i = 0; i < length; i++) {
    const value = array[i];
    if (value === undefined && !hasOwn(array, i)) {
      const rest = presentIndexes(array, i);
      for (let k = 0; k < rest.length; k++) visit(array[rest[k]!], rest[k]!);
      return;
    }
    visit(value, i);
  }
}

/**
 * The indices of the elements `array` has from index `from` on, ascending, found through its own keys:
 * O(elements present), whatever its `length`. A walker reads a dense array by index and calls this at
 * its first hole.
 *
 * @example
 * ```ts
 * const a: unknown[] = [1];
 * a[2 ** 32 - 2] = 2;
 * presentIndexes(a, 1); // [4294967294]
 * ```
 */
export function presentIndexes(array: readonly unknown[], from: number): number[] {
  const found: number[] = [];
  const length = array.length;
  const keys = objectKeys(array);
  for (let k = 0; k < keys.length; k++) {
    const index = arrayIndex(keys[k]!);
    if (index !== undefined && index >= from && index < length) found[found.length] = index;
  }
  return found;
}

/** The array index a key names (its canonical decimal form below 2^32 - 1), else undefined. */
function arrayIndex(key: string): number | undefined {
  const first = key.charCodeAt(0);
  if (first < 48 || first > 57 || (first === 48 && key.length > 1) || key.length > 10) return undefined;
  const index = Number(key);
  return Number.isInteger(index) && index <= MAX_INDEX && `${index}` === key ? index : undefined;
}
