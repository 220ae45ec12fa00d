/**
 * The conformance cases that hold every driver to driver-kit's one rule per option and one wording
 * per failure: the same option value is accepted or rejected identically (same error class, a message
 * naming the option) by `new WaitGroup({ driver, ... })`, by the driver's own factory and by
 * driver-kit's checker; a closed driver, a timeout and an out-of-memory death read as driver-kit's
 * failure factories say.
 */
import assert from 'node:assert/strict';
import { type DriverName, KNOWN_DRIVERS } from '../config-fields.js';
import type { Driver, DriverSettings, Job, JobSink } from '../driver.js';
import { closedFailure, oomFailure, timeoutFailure } from '../driver-kit/failures.js';
import { checkModuleHref } from '../driver-kit/module-href.js';
import {
  checkBootstrapTimeout,
  checkConcurrency,
  checkMemoryLimit,
  checkTimeout,
} from '../driver-kit/option-checks.js';
import { swapDriverFactory, unshareDriver } from '../driver-registry.js';
import type { TaskFailure } from '../failure.js';
import type { Result } from '../result.js';
import { moduleTaskSpec, type TaskSpec } from '../task.js';
import { WaitGroup } from '../wait-group.js';
import type { ConformanceCase } from './cases.js';
import * as t from './fixtures/tasks.js';

/** How an attempt ended: accepted, or thrown with this class and message. */
type Outcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: string; readonly message: string };

function attempt(fn: () => unknown): Outcome {
  try {
    fn();
    return { ok: true };
  } catch (err) {
    const e = err as Error;
    return { ok: false, error: e?.constructor?.name ?? typeof err, message: String(e?.message ?? err) };
  }
}

/** An option value, where it may be given, and driver-kit's checker for it. */
interface OptionRow {
  readonly option: 'memoryLimitMb' | 'concurrency' | 'bootstrap' | 'timeout' | 'bootstrapTimeout';
  readonly value: unknown;
  readonly check: (value: unknown, label: string) => unknown;
  /** Drivers take this option in their settings (`timeout` is per job, checked by the group). */
  readonly driverSetting: boolean;
}

const bootFixture = new URL('./fixtures/boot-count.js', import.meta.url).href;

const OPTION_ROWS: readonly OptionRow[] = [
  ...[100.5, 4, 1e300, 64].map((value) => ({
    option: 'memoryLimitMb' as const,
    value,
    check: checkMemoryLimit,
    driverSetting: true,
  })),
  ...['4', 0, 4097, 3].map((value) => ({
    option: 'concurrency' as const,
    value,
    check: checkConcurrency,
    driverSetting: true,
  })),
  ...['file://host/boot.js', 'C:\\isolane\\boot.js', 'file:///C:/isolane/boot.js', bootFixture].map(
    (value) => ({ option: 'bootstrap' as const, value, check: checkModuleHref, driverSetting: true }),
  ),
  ...['30s', 0, -1, 1.5, Number.NaN, 2 ** 31, 500, Number.POSITIVE_INFINITY].map((value) => ({
    option: 'bootstrapTimeout' as const,
    value,
    check: checkBootstrapTimeout,
    driverSetting: true,
  })),
  ...[2 ** 31, 1_000].map((value) => ({
    option: 'timeout' as const,
    value,
    check: checkTimeout,
    driverSetting: false,
  })),
];

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function assertSame(row: OptionRow, where: string, got: Outcome, expected: Outcome): void {
  const what = `${row.option}: ${show(row.value)} by ${where}`;
  if (expected.ok) {
    assert.ok(
      got.ok,
      `${what} was rejected (${got.ok ? '' : `${got.error}: ${got.message}`}); driver-kit accepts it`,
    );
    return;
  }
  assert.ok(
    !got.ok,
    `${what} was accepted; driver-kit rejects it with ${expected.error}: ${expected.message}`,
  );
  assert.equal(got.error, expected.error, `${what}: the error class (${got.message})`);
  assert.match(got.message, new RegExp(row.option), `${what}: the message must name the option`);
}

function assertFailure(got: TaskFailure | undefined, expected: TaskFailure, what: string): void {
  assert.ok(got, `${what}: no failure`);
  assert.equal(got.kind, expected.kind, `${what}: kind (message: ${got.message})`);
  assert.equal(got.name, expected.name, `${what}: name`);
  assert.equal(got.message, expected.message, `${what}: the wording must be driver-kit's`);
}

function failureOf(r: Result<unknown> | undefined, what: string): TaskFailure {
  assert.ok(r, `${what}: missing result`);
  assert.ok(!r.ok, `${what}: expected a failure, got a value`);
  return r.error;
}

function spec(task: unknown): TaskSpec {
  const s = moduleTaskSpec(task);
  assert.ok(s, 'fixture tasks are module tasks');
  return s;
}

/** Starts a job on a driver directly, collecting its result. */
function startJob(driver: Driver, job: Job, results: Map<string, Result<unknown>>, key: string): void {
  const sink: JobSink = { settle: (r) => results.set(key, r), stray: () => {} };
  driver.start(job, sink);
}

async function until(done: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/**
 * The option parity case (registered in CONFORMANCE_CASES).
 *
 * @example
 * ```ts
 * await OPTION_PARITY_CASE.run(ctx);
 * ```
 */
export const OPTION_PARITY_CASE: ConformanceCase = {
  id: 'option-parity',
  title:
    'an option value is accepted or rejected identically by WaitGroup, the driver factory and driver-kit',
  timeout: 60_000,
  async run(ctx) {
    // The group names the driver, as users do; the name is routed to the factory under test (and put
    // back afterwards), so the group's own checks and then the driver's run on each value.
    const name: DriverName = (KNOWN_DRIVERS as readonly string[]).includes(ctx.name)
      ? (ctx.name as DriverName)
      : 'pool';
    const made: Driver[] = [];
    const previous = swapDriverFactory(name, (settings: DriverSettings) => {
      const driver = ctx.driver(settings);
      made.push(driver);
      return driver;
    });
    try {
      for (const row of OPTION_ROWS) {
        const expected = attempt(() => row.check(row.value, `options.${row.option}`));
        const groups: WaitGroup[] = [];
        const byGroup = attempt(() =>
          groups.push(new WaitGroup({ driver: name, config: false, [row.option]: row.value })),
        );
        await Promise.all(groups.map((g) => g.close()));
        assertSame(row, `new WaitGroup({ driver: '${name}' })`, byGroup, expected);
        if (row.driverSetting) {
          const byDriver = attempt(() => ctx.driver({ [row.option]: row.value }));
          assertSame(row, `the ${ctx.name} driver's factory`, byDriver, expected);
        }
      }
    } finally {
      swapDriverFactory(name, previous);
      for (const driver of made) unshareDriver(driver);
    }
  },
};

/**
 * The closed/timeout wording case (registered in CONFORMANCE_CASES).
 *
 * @example
 * ```ts
 * await FAILURE_WORDING_CASE.run(ctx);
 * ```
 */
export const FAILURE_WORDING_CASE: ConformanceCase = {
  id: 'failure-wording',
  title: "a closed driver and a timeout fail with driver-kit's wording (closedFailure, timeoutFailure)",
  timeout: 60_000,
  async run(ctx) {
    const timed = ctx.driver({ concurrency: 1 });
    const wg = new WaitGroup({ driver: timed, config: false, timeout: 300 });
    wg.go(t.sleepThen, 20_000, 'too late');
    const [late] = await wg.wait();
    assertFailure(failureOf(late, 'timeout'), timeoutFailure(300), 'a task past its timeout');
    await wg.close();

    const driver = ctx.driver({ concurrency: 1 });
    const results = new Map<string, Result<unknown>>();
    startJob(driver, { task: spec(t.sleepThen), args: [20_000, 'running'] }, results, 'running');
    startJob(driver, { task: spec(t.sleepThen), args: [20_000, 'queued'] }, results, 'queued');
    await driver.close();
    startJob(driver, { task: spec(t.add), args: [1, 2] }, results, 'after');
    await until(() => results.has('queued') && results.has('after'), 20_000);
    const closed = closedFailure(driver.name);
    assertFailure(failureOf(results.get('queued'), 'queued'), closed, 'a job queued when the driver closed');
    assertFailure(failureOf(results.get('after'), 'after'), closed, 'a job started after close()');
  },
};

/**
 * The out-of-memory wording case (registered in CONFORMANCE_CASES).
 *
 * @example
 * ```ts
 * await OOM_WORDING_CASE.run(ctx);
 * ```
 */
export const OOM_WORDING_CASE: ConformanceCase = {
  id: 'oom-wording',
  title:
    "an out-of-memory death starts with driver-kit's headline: 'the task ran out of memory (memoryLimitMb: 64)'",
  timeout: 120_000,
  childHeapMb: 256,
  async run(ctx) {
    const wg = new WaitGroup({
      driver: ctx.driver({ concurrency: 1, memoryLimitMb: 64 }),
      config: false,
      timeout: 60_000,
    });
    wg.go(t.allocateForever);
    const [r] = await wg.wait();
    await wg.close();
    const f = failureOf(r, 'out of memory');
    const expected = oomFailure({ memoryLimitMb: 64 });
    assert.equal(f.kind, 'oom', `kind (message: ${f.message})`);
    assert.equal(f.name, expected.name);
    assert.ok(
      f.message.startsWith(expected.message),
      `the message must start with "${expected.message}", got "${f.message}"`,
    );
  },
};

/** The three parity cases, in the order they run. */
export const PARITY_CASES: readonly ConformanceCase[] = [
  OPTION_PARITY_CASE,
  FAILURE_WORDING_CASE,
  OOM_WORDING_CASE,
];
