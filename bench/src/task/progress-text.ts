/**
 * A task's progress value (what it gave `taskContext().progress()`) as a few words for the bench's
 * progress bar: a fraction as a percentage, `{ done, total }`-like objects as `done/total`, anything else
 * as short JSON.
 */

/** Pairs of fields read as "so far / of how many". */
const PAIRS: readonly (readonly [string, string])[] = [
  ['done', 'total'],
  ['step', 'of'],
  ['rows', 'of'],
  ['current', 'total'],
];

/**
 * The text of a progress value (at most 40 characters).
 *
 * @example
 * ```ts
 * progressText(0.25);                       // '25%'
 * progressText({ done: 3, total: 10 });     // '3/10'
 * progressText('resizing');                 // 'resizing'
 * ```
 */
export function progressText(value: unknown): string {
  if (typeof value === 'number' && value >= 0 && value <= 1) return `${Math.round(value * 100)}%`;
  if (typeof value === 'string') return value.slice(0, 40);
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    for (const [a, b] of PAIRS)
      if (typeof v[a] === 'number' && typeof v[b] === 'number') return `${v[a]}/${v[b]}`;
  }
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
