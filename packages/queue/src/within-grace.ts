/**
 * Bounded waits of a closing queue driver: an unreachable Redis never holds `close()` up.
 */

/** How long close() waits for Redis before dropping its connections, ms. */
export const CLOSE_GRACE_MS = 3_000;

/**
 * Waits for `work`, at most `ms`.
 *
 * @example
 * ```ts
 * await withinGrace(link.close()); // resolves within 3 s, whatever Redis does
 * ```
 */
export async function withinGrace(work: Promise<void>, ms = CLOSE_GRACE_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work,
    new Promise<void>((r) => {
      timer = setTimeout(r, ms);
    }),
  ]);
  if (timer) clearTimeout(timer);
}
