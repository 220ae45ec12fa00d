/**
 * The conformance cases of process trees (issue 12): a process a task started — attached, or detached
 * in a session of its own with an explicit `env` — is gone within 2 s of the task's timeout, abort or
 * group close, under every driver; and a task blocked in `execSync` on a long command does not hold
 * `close()` for the command's whole run. Processes are counted by a unique marker in their command line
 * (`/proc/<pid>/cmdline`, Linux); whatever a failing case leaves is killed before it reports.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { eventually } from '../os-probes.js';
import { WaitGroup } from '../wait-group.js';
import type { ConformanceCase } from './cases.js';
import { execSyncSleep, spawnAndExit, spawnAndHold } from './fixtures/process-tree-tasks.js';

/** How long the processes a stopped task started may outlive its settled slot. */
export const TREE_GONE_WITHIN_MS = 2_000;
/** The timeout of the timeout scenarios: long enough for a busy machine to start the task's process. */
const TASK_TIMEOUT_MS = 5_000;
/**
 * How often a scenario looks for its processes. Reading every process's command line takes ~10 ms on a
 * busy machine: six scenarios polling every 25 ms starved the very event loop that ends the processes.
 */
const POLL_MS = 200;

/**
 * Pids of the processes whose command line has `marker` as one of its arguments.
 *
 * @example
 * ```ts
 * assert.deepEqual(pidsByArgv('isolane-test-1f2e'), []);
 * ```
 */
export function pidsByArgv(marker: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(marker))
        out.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return out;
}

function killByArgv(marker: string): void {
  for (const pid of pidsByArgv(marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

type Stop = 'timeout' | 'abort' | 'close';

/** One scenario: what is wrong with it, or undefined. */
async function stopOne(
  driver: ReturnType<Parameters<ConformanceCase['run']>[0]['driver']>,
  how: Stop,
  detached: boolean,
): Promise<string | undefined> {
  const label = `${how} × ${detached ? 'detached' : 'attached'}`;
  const marker = `isolane-test-${randomUUID()}`;
  const wg = new WaitGroup({
    driver,
    config: false,
    ...(how === 'timeout' ? { timeout: TASK_TIMEOUT_MS } : {}),
  });
  try {
    wg.go(spawnAndHold, marker, detached);
    if (!(await eventually(() => pidsByArgv(marker).length > 0, 60_000, POLL_MS))) {
      return `${label}: the task's process never appeared`;
    }
    if (how === 'abort') wg.abort('stopped by the process-tree case');
    if (how === 'close') await wg.close();
    const [r] = await wg.wait();
    if (r === undefined || r.ok) return `${label}: the slot did not fail (${JSON.stringify(r)})`;
    const expected = how === 'timeout' ? 'timeout' : 'aborted';
    if (r.error.kind !== expected) return `${label}: the slot failed as ${r.error.kind}, not ${expected}`;
    if (!(await eventually(() => pidsByArgv(marker).length === 0, TREE_GONE_WITHIN_MS, POLL_MS))) {
      return `${label}: ${pidsByArgv(marker).length} process(es) the task started still run ${TREE_GONE_WITHIN_MS} ms after its slot settled`;
    }
    return undefined;
  } finally {
    await wg.close();
    killByArgv(marker);
  }
}

/**
 * Timeout, abort and close × a process started attached or detached: none is left within 2 s.
 *
 * @example
 * ```ts
 * await PROCESS_TREE_STOP_CASE.run(ctx);
 * ```
 */
export const PROCESS_TREE_STOP_CASE: ConformanceCase = {
  id: 'process-tree-stop',
  title:
    'a process a task started (attached, or detached with its own env) is gone within 2 s of the timeout, abort or close that stopped the task',
  timeout: 180_000,
  async run(ctx) {
    const driver = ctx.driver({ concurrency: 6 });
    const scenarios: [Stop, boolean][] = [
      ['timeout', false],
      ['timeout', true],
      ['abort', false],
      ['abort', true],
      ['close', false],
      ['close', true],
    ];
    const problems = (await Promise.all(scenarios.map(([how, d]) => stopOne(driver, how, d)))).filter(
      (p) => p !== undefined,
    );
    assert.deepEqual(problems, [], `${ctx.name}: ${problems.join('; ')}`);
  },
};

/**
 * A task starts a process, then kills its own worker (`process.exit(7)`): the slot fails as `crashed`
 * and the process is gone within 2 s. Not for `cooperative`: there `process.exit` ends the host.
 *
 * @example
 * ```ts
 * await PROCESS_TREE_CRASH_CASE.run(ctx);
 * ```
 */
export const PROCESS_TREE_CRASH_CASE: ConformanceCase = {
  id: 'process-tree-crash',
  title: "a process a task started is gone within 2 s of the task's crashing its own worker",
  timeout: 120_000,
  async run(ctx) {
    const marker = `isolane-test-${randomUUID()}`;
    const wg = new WaitGroup({ driver: ctx.driver({ concurrency: 1 }), config: false });
    try {
      wg.go(spawnAndExit, marker);
      const [r] = await wg.wait();
      assert.ok(r !== undefined && !r.ok, 'the slot must fail');
      assert.equal(r.error.kind, 'crashed', r.error.message);
      assert.ok(
        await eventually(() => pidsByArgv(marker).length === 0, TREE_GONE_WITHIN_MS, POLL_MS),
        `${pidsByArgv(marker).length} process(es) the task started still run ${TREE_GONE_WITHIN_MS} ms after the crash`,
      );
    } finally {
      await wg.close();
      killByArgv(marker);
    }
  },
};

/**
 * A task blocked in `execSync` on a 20 s command, past its timeout: the slot fails as `timeout`, and
 * `close()` returns well before the command would have ended (killing the command is what unblocks
 * the worker). Not for `cooperative`: a task blocked in `execSync` blocks the host itself. Not
 * registered in the shared list (it runs for the drivers that can pass it).
 *
 * @example
 * ```ts
 * await EXEC_SYNC_TREE_CASE.run(ctx);
 * ```
 */
export const EXEC_SYNC_TREE_CASE: ConformanceCase = {
  id: 'process-tree-exec-sync',
  title: 'a task blocked in execSync past its timeout does not hold close() for the command it waits on',
  timeout: 120_000,
  async run(ctx) {
    const marker = `isolane-test-${randomUUID()}`;
    const wg = new WaitGroup({ driver: ctx.driver({ concurrency: 1 }), config: false, timeout: 1_500 });
    try {
      wg.go(execSyncSleep, marker, 20);
      assert.ok(
        await eventually(() => pidsByArgv(marker).length > 0, 60_000, POLL_MS),
        'the command never started',
      );
      const [r] = await wg.wait();
      assert.ok(r !== undefined && !r.ok, 'the slot must fail');
      assert.equal(r.error.kind, 'timeout');
      const t0 = performance.now();
      await wg.close();
      const closeMs = performance.now() - t0;
      assert.ok(closeMs < 8_000, `close() took ${Math.round(closeMs)} ms (the command runs 20 s)`);
      assert.ok(
        await eventually(() => pidsByArgv(marker).length === 0, TREE_GONE_WITHIN_MS, POLL_MS),
        'the command is still running',
      );
    } finally {
      await wg.close();
      killByArgv(marker);
    }
  },
};

/** The process-tree cases every driver runs, in order. */
export const PROCESS_TREE_CASES: readonly ConformanceCase[] = [
  PROCESS_TREE_STOP_CASE,
  PROCESS_TREE_CRASH_CASE,
];
