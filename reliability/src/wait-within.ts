/**
 * Waiting for a group with a deadline: every reliability check must tell "wait() never resolved" (a hang,
 * the failure users fear most) from a slow run, so none of them awaits wait() without a limit.
 */
import type { Result, WaitGroup } from '@isolane/core';

/**
 * The group's results, or undefined when `wait()` did not resolve within `limitMs`.
 *
 * @example
 * ```ts
 * const results = await waitWithin(wg, 30_000);
 * if (!results) console.error('wait() hung');
 * ```
 */
export async function waitWithin(wg: WaitGroup, limitMs: number): Promise<Result<unknown>[] | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      wg.wait(),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), limitMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
