/**
 * How far a running unit got, for the bench's progress bar: a measure calls {@link unitProgress} at its
 * phase and round boundaries (never inside a timed region); the unit host sends the text to its parent
 * (a `progress` host message), which relays it through its isolane task's `taskContext().progress()`.
 * At most one report per {@link UNIT_PROGRESS_INTERVAL_MS}: the measured process does next to nothing
 * for it. Without a sink (a measure run in-process, by tests) a report costs one comparison.
 */

/**
 * The least time between two reports a unit sends, ms.
 *
 * @example
 * ```ts
 * setTimeout(check, UNIT_PROGRESS_INTERVAL_MS); // one report at most in the meantime
 * ```
 */
export const UNIT_PROGRESS_INTERVAL_MS = 500;

let sink: ((text: string) => void) | undefined;
let last = Number.NEGATIVE_INFINITY;

/**
 * Where this process's unit reports go (the unit host sets it; `undefined` turns reports off).
 *
 * @example
 * ```ts
 * setUnitProgressSink((text) => process.send?.({ type: 'progress', text }));
 * ```
 */
export function setUnitProgressSink(to: ((text: string) => void) | undefined): void {
  sink = to;
  last = Number.NEGATIVE_INFINITY;
}

/**
 * Reports how far the running unit got (a few words: `warm round 3/30`); dropped when the previous
 * report went out less than {@link UNIT_PROGRESS_INTERVAL_MS} ago, or when nothing listens.
 *
 * @example
 * ```ts
 * for (let i = 0; i < n; i++) { samples.push(await coldSample()); unitProgress(`cold ${i + 1}/${n}`); }
 * ```
 */
export function unitProgress(text: string): void {
  if (sink === undefined) return;
  const now = performance.now();
  if (now - last < UNIT_PROGRESS_INTERVAL_MS) return;
  last = now;
  try {
    sink(text);
  } catch {
    // The parent is gone: the unit's own result will not arrive either; nothing to do here.
  }
}
