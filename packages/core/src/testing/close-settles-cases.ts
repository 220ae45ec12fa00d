/**
 * The conformance case for closing a driver under load: `close()` settles every open slot — running
 * and waiting — with driver-kit's closed failure (`aborted`), so `wait()` resolves, under every driver.
 */
import assert from 'node:assert/strict';
import { closedFailure } from '../driver-kit/failures.js';
import type { TaskFailure } from '../failure.js';
import type { Result } from '../result.js';
import { WaitGroup } from '../wait-group.js';
import type { ConformanceCase } from './cases.js';
import * as t from './fixtures/tasks.js';

/** How long wait() may take to resolve once the driver is closed (generous: a loaded machine). */
const SETTLE_DEADLINE_MS = 20_000;

/** wait() or a clear failure once the deadline passes (never a verdict drawn from a sleep). */
async function waitBounded(wg: WaitGroup): Promise<Result<unknown>[]> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new assert.AssertionError({
            message: `wait() did not resolve within ${SETTLE_DEADLINE_MS} ms of close()`,
          }),
        ),
      SETTLE_DEADLINE_MS,
    );
  });
  try {
    return await Promise.race([wg.wait(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The close-settles-every-slot case (registered in CONFORMANCE_CASES).
 *
 * @example
 * ```ts
 * await CLOSE_SETTLES_CASE.run(ctx);
 * ```
 */
export const CLOSE_SETTLES_CASE: ConformanceCase = {
  id: 'close-settles-every-slot',
  title: 'close() with running and queued tasks settles every slot aborted; wait() resolves',
  timeout: 60_000,
  async run(ctx) {
    const driver = ctx.driver({ concurrency: 2 });
    const wg = new WaitGroup({ driver });
    wg.go(t.add, 1, 2);
    for (let i = 0; i < 5; i++) wg.go(t.sleepThen, 60_000, `slot ${i + 1}`);
    // Once the first slot is done, its place went to the next job: two run, three wait.
    for await (const { index } of wg) if (index === 0) break;
    await driver.close();
    const results = await waitBounded(wg);
    assert.ok(results[0]?.ok && results[0].value === 3, 'the finished slot keeps its value');
    const expected = closedFailure(driver.name);
    for (const r of results.slice(1)) {
      assert.ok(r && !r.ok, 'expected the slot to be aborted, it has a value');
      const failure = (r as { error: TaskFailure }).error;
      assert.equal(failure.kind, 'aborted', `kind (message: ${failure.message})`);
      assert.equal(failure.message, expected.message);
    }
    await wg.close();
  },
};

/** The close cases, in the order they run. */
export const CLOSE_SETTLES_CASES: readonly ConformanceCase[] = [CLOSE_SETTLES_CASE];
