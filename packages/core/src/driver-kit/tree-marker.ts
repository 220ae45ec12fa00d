/**
 * The value of `ISOLANE_TREE`, the environment variable that marks every process a worker's tasks start
 * (see process-tree.ts): one marker per worker, several comma-separated when groups are nested (a task
 * that runs a group of its own). Plain string work, no imports: core's worker runtime bundles it.
 */

/** The environment variable that carries a worker's marker (several, comma-separated, when nested). */
export const TREE_VAR = 'ISOLANE_TREE';

/**
 * `value` (an `ISOLANE_TREE` value, possibly several markers) with the markers of `marker` added
 * unless they are there already.
 *
 * @example
 * ```ts
 * withTreeMarker(undefined, 'a.b.1'); // 'a.b.1'
 * withTreeMarker('x.y.3', 'a.b.1');   // 'x.y.3,a.b.1'
 * withTreeMarker('x.y.3', 'x.y.3');   // 'x.y.3'
 * ```
 */
export function withTreeMarker(value: string | undefined, marker: string): string {
  if (value === undefined || value === '') return marker;
  const have = value.split(',');
  const missing = marker.split(',').filter((m) => m !== '' && !have.includes(m));
  return missing.length === 0 ? value : [...have, ...missing].join(',');
}
