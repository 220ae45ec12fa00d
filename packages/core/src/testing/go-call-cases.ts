/**
 * Conformance cases for the go() call itself: errors thrown at the call site, inline functions shipped as source.
 */
import assert from 'node:assert/strict';
import { isCaptureError, isSpawnError } from '../errors.js';
import { defineTask } from '../task.js';
import { fixture, group, valueIn } from './case-helpers.js';
import type { ConformanceCase } from './case-types.js';
import * as t from './fixtures/tasks.js';

/** What go() rejects at once, and what it ships. */
export const GO_CALL_CASES: readonly ConformanceCase[] = [
  {
    id: 'call-site-errors',
    title: 'captures, non-portable arguments and unresolvable tasks throw at go(); the group stays usable',
    timeout: 30_000,
    async run(ctx) {
      const wg = await group(ctx.driver());
      const secret = 41;
      assert.throws(
        () => wg.go(() => secret + 1),
        (e: unknown) => isCaptureError(e) && /secret/.test((e as Error).message),
      );
      assert.throws(
        () => wg.go(t.echo, { db: { query: () => 1 } }),
        (e: unknown) => isCaptureError(e) && /args\[0\]\.db\.query/.test((e as Error).message),
      );
      assert.throws(
        () => wg.go(t.echo, Symbol('s')),
        (e: unknown) => isCaptureError(e),
      );
      assert.throws(() => wg.go(Math.max, 1, 2), isSpawnError);
      assert.throws(() => wg.go(((a: number) => a).bind(null), 1), isSpawnError);
      assert.throws(() => wg.go(class Nope {} as unknown as () => void), isSpawnError);
      const ghost = defineTask(fixture('does-not-exist.js'), 'ghost', () => 1);
      assert.throws(() => wg.go(ghost), isSpawnError);
      assert.equal(wg.size, 0, 'a rejected go() takes no slot');
      wg.go((a: number, b: number) => a * b, 6, 7);
      assert.equal(valueIn((await wg.wait())[0]), 42);
      await wg.close();
    },
  },
  {
    id: 'inline-function',
    title: 'inline functions are shipped as source and rebuilt in the worker',
    timeout: 30_000,
    async run(ctx) {
      const wg = await group(ctx.driver());
      wg.go(
        async ({ a, b = 2 }: { a: number; b?: number }, ...rest: number[]) => {
          const { setTimeout: wait } = await import('node:timers/promises');
          await wait(5);
          return a + b + rest.reduce((x, y) => x + y, 0);
        },
        { a: 1 },
        3,
        4,
      );
      assert.equal(valueIn((await wg.wait())[0]), 10);
      await wg.close();
    },
  },
];
