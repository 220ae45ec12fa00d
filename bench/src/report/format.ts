/** Number formatting shared by the terminal table, the Markdown and the SVG labels, so they agree. */

/**
 * A duration in milliseconds, with a unit that keeps three significant digits.
 *
 * @example
 * ```ts
 * formatMs(0.0451); // '45.1 µs'
 * formatMs(23.456); // '23.5 ms'
 * ```
 */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms < 1) {
    const us = ms * 1000;
    return `${us < 10 ? us.toFixed(2) : us < 100 ? us.toFixed(1) : us.toFixed(0)} µs`;
  }
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * A rate per second, abbreviated.
 *
 * @example
 * ```ts
 * formatRate(85_231); // '85.2k/s'
 * ```
 */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '-';
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)}k/s`;
  return `${perSecond.toFixed(perSecond < 10 ? 1 : 0)}/s`;
}

/**
 * A ratio with a multiplication sign.
 *
 * @example
 * ```ts
 * formatRatio(1.034); // '1.03×'
 * ```
 */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return '-';
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}
