// Markers a test file hands out to the processes it starts, killed after each test whatever the verdict
// (cleanup after a failed assertion; the tests themselves check the process table for leftovers).
import { afterEach } from 'vitest';
import { killAll, uniqueMarker } from './processes.js';

/**
 * Registers an `afterEach` that kills every process still carrying a marker from the returned function,
 * which hands out a fresh unique marker, or tracks the one it is given (a `uniqueSleep()` duration).
 *
 * @example
 * ```ts
 * const marked = useMarkerCleanup();
 * const marker = marked();
 * const seconds = marked(uniqueSleep());
 * ```
 */
export function useMarkerCleanup(): (marker?: string) => string {
  const markers: string[] = [];
  afterEach(() => {
    for (const marker of markers.splice(0)) killAll(marker);
  });
  return (marker = uniqueMarker()) => {
    markers.push(marker);
    return marker;
  };
}
