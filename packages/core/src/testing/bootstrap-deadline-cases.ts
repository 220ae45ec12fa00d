/**
 * The conformance cases of a worker's bootstrap that does not end well: one that never finishes (a
 * database that never answers) fails every slot waiting for it with driver-kit's
 * `bootstrapTimeoutFailure` once `bootstrapTimeout` has passed — even slots with a long task timeout,
 * which only counts from the task's start — and the driver keeps serving; one that ends its worker
 * (`process.exit`) fails its slots with kind `bootstrap`.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapTimeoutFailure } from '../driver-kit/failures.js';
import type { TaskFailure } from '../failure.js';
import type { Result } from '../result.js';
import { WaitGroup } from '../wait-group.js';
import type { ConformanceCase } from './cases.js';
import * as t from './fixtures/tasks.js';

/**
 * The short deadline the case gives the bootstrap (ms): a healthy worker process starts well within it,
 * even on a loaded machine.
 */
const DEADLINE_MS = 2_000;

/**
 * The environment variable naming the file whose existence lets `boot-hang` finish.
 *
 * @example
 * ```ts
 * process.env[BOOT_GATE_ENV] = join(tmpdir(), 'my-gate'); // before starting workers the case cannot start
 * ```
 */
export const BOOT_GATE_ENV = 'ISOLANE_BOOT_GATE';
const GATE_ENV = BOOT_GATE_ENV;

const hangingBoot = new URL('./fixtures/boot-hang.js', import.meta.url).href;
const exitingBoot = new URL('./fixtures/boot-exit.js', import.meta.url).href;

function failureOf(r: Result<unknown> | undefined, what: string): TaskFailure {
  assert.ok(r, `${what}: missing result`);
  assert.equal(r.ok, false, `${what}: expected a failure, got the value ${JSON.stringify(r.ok && r.value)}`);
  return (r as { error: TaskFailure }).error;
}

/**
 * The bootstrap-deadline cases, registered in `cases.ts`.
 *
 * @example
 * ```ts
 * for (const c of BOOTSTRAP_DEADLINE_CASES) console.log(c.id);
 * ```
 */
export const BOOTSTRAP_DEADLINE_CASES: readonly ConformanceCase[] = [
  {
    id: 'bootstrap-deadline',
    title:
      'a bootstrap that never finishes fails every waiting slot with kind bootstrap at bootstrapTimeout (not at the task timeout, never a hang); the driver keeps serving',
    timeout: 60_000,
    async run(ctx) {
      // A suite whose workers are started before the case (queue) names the gate in their environment
      // beforehand; otherwise the case names one of its own, which the workers it starts inherit.
      const preset = process.env[GATE_ENV];
      const gate = preset || join(tmpdir(), `isolane-boot-gate-${process.pid}-${Date.now()}`);
      rmSync(gate, { force: true });
      if (!preset) process.env[GATE_ENV] = gate;
      try {
        const driver = ctx.driver({ concurrency: 2, bootstrap: hangingBoot, bootstrapTimeout: DEADLINE_MS });
        // The task timeout is far longer than the case: a slot that waited for it would fail the case.
        const wg = new WaitGroup({ driver, timeout: 600_000 });
        const began = performance.now();
        wg.go(t.add, 1, 2);
        wg.go(t.add, 3, 4);
        wg.go(t.add, 5, 6);
        const results = await wg.wait();
        const took = performance.now() - began;
        const expected = bootstrapTimeoutFailure(hangingBoot, DEADLINE_MS);
        results.forEach((r, i) => {
          const failure = failureOf(r, `slot ${i}`);
          assert.equal(failure.kind, 'bootstrap', `slot ${i}: ${failure.kind}: ${failure.message}`);
          assert.equal(failure.name, expected.name, `slot ${i}: ${failure.name}: ${failure.message}`);
          assert.equal(failure.message, expected.message);
        });
        assert.ok(took >= DEADLINE_MS - 50, `the slots failed after ${took} ms, before the deadline`);
        await wg.close();

        // Bootstraps can finish again: a new worker is tried and serves. In-process (cooperative),
        // the one bootstrap is still pending and cannot be stopped: later slots fail the same way.
        writeFileSync(gate, '');
        const again = new WaitGroup({ driver, timeout: 600_000 });
        again.go(t.add, 20, 22);
        const [r] = await again.wait();
        if (ctx.name === 'cooperative') {
          const failure = failureOf(r, 'a later slot');
          assert.equal(failure.kind, 'bootstrap', failure.message);
          assert.equal(failure.message, expected.message);
        } else {
          assert.ok(r?.ok, `a later slot must run on a new worker, got ${JSON.stringify(r)}`);
          assert.equal(r.value, 42);
        }
        await again.close();
      } finally {
        if (!preset) delete process.env[GATE_ENV];
        rmSync(gate, { force: true });
      }
    },
  },
  {
    id: 'bootstrap-exit',
    title: 'a bootstrap that calls process.exit fails every slot of its workers with kind bootstrap',
    timeout: 60_000,
    async run(ctx) {
      const driver = ctx.driver({ concurrency: 2, bootstrap: exitingBoot });
      const wg = new WaitGroup({ driver, timeout: 600_000 });
      wg.go(t.add, 1, 2);
      wg.go(t.add, 3, 4);
      const results = await wg.wait();
      results.forEach((r, i) => {
        const failure = failureOf(r, `slot ${i}`);
        assert.equal(failure.kind, 'bootstrap', `slot ${i}: ${failure.kind}: ${failure.message}`);
      });
      await wg.close();
    },
  },
];
