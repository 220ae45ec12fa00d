/**
 * Number formatting for the scripts' printed figures, so every report reads the same way.
 */

/**
 * Megabytes with one decimal, signed when asked.
 *
 * @example
 * ```ts
 * mb(5_242_880); // '5.0 MB'
 * ```
 */
export function mb(bytes: number, signed = false): string {
  const value = bytes / 1024 / 1024;
  const text = `${value.toFixed(1)} MB`;
  return signed && value >= 0 ? `+${text}` : text;
}

/**
 * A rate with thousands separators.
 *
 * @example
 * ```ts
 * perSecond(1000, 250); // '4,000/s'
 * ```
 */
export function perSecond(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`;
}

/**
 * Milliseconds as seconds with two decimals.
 *
 * @example
 * ```ts
 * seconds(1234); // '1.23 s'
 * ```
 */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
