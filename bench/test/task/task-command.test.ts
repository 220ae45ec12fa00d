/**
 * `isolane-bench task` end to end, on fixture tasks of different shapes: the CLI is run as a user runs
 * it (small budgets, few tasks), and its JSON is checked for the figures, the recommendation and the
 * divergence flag. Every run spawns hosts, workers and children: none may be left behind.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { digestOutcome } from '../../dist/task/digest.js';
import { recommend } from '../../dist/task/recommend.js';
import type { RunnerFigures, TaskBenchResult } from '../../dist/task/result.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/user-tasks/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'task-command-'));
writeFileSync(join(dir, 'sometimes.json'), JSON.stringify([[1], [-1], ['slow'], [2]]));
const RUN_TIMEOUT = 150_000;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  readonly result: TaskBenchResult | undefined;
}

function bench(target: string, args: readonly string[], name: string): Promise<Run> {
  const json = join(dir, `${name}.json`);
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        CLI,
        'task',
        `${FIXTURES}${target}`,
        '--json',
        json,
        '--concurrency',
        '2',
        '--timeout',
        '20000',
        ...args,
      ],
      { timeout: RUN_TIMEOUT, env: { ...process.env, COLUMNS: '100' } },
      (err, stdout, stderr) => {
        let result: TaskBenchResult | undefined;
        try {
          result = JSON.parse(readFileSync(json, 'utf8')) as TaskBenchResult;
        } catch {
          result = undefined;
        }
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr, ms: performance.now() - started, result });
      },
    );
  });
}

const byId = (result: TaskBenchResult, id: string): RunnerFigures => {
  const r = result.runners.find((x) => x.id === id);
  if (!r) throw new Error(`no runner ${id} in the result`);
  return r;
};

/** Processes started from this package's task hosts or raw entries (left behind = a leak). */
function leftovers(): string[] {
  return execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter(
      (l) =>
        l.includes('bench/dist/task/task-host-entry.js') || l.includes('bench/dist/task/raw-task-entry.js'),
    );
}

afterAll(async () => {
  for (const deadline = Date.now() + 20_000; leftovers().length > 0 && Date.now() < deadline; )
    await new Promise((resolve) => setTimeout(resolve, 100));
  rmSync(dir, { recursive: true, force: true });
  expect(leftovers()).toEqual([]);
}, 30_000);

/** The recommendation in the file is the one the rules give for the figures in the file. */
function expectRecommendationFromFigures(result: TaskBenchResult): void {
  const again = recommend({
    runners: result.runners,
    divergences: result.divergences,
    cores: result.machine.cpus,
    load: result.machine.loadAverage,
  });
  expect(result.recommendation).toEqual(again);
}

describe('isolane-bench task', () => {
  it(
    "shows the progress a task reports through taskContext().progress() next to its runner's name",
    async () => {
      const run = await bench(
        'progress.js#steps',
        ['--args', '[4]', '--budget', '4000', '--tasks', '4', '--drivers', 'pool', '--baselines', 'none'],
        'progress',
      );
      expect(run.code, run.stderr).toBe(0);
      // Off a terminal: a line per runner and per second at most, with the task's latest report.
      expect(run.stderr).toMatch(/^ {2}pool: [1-4]\/4$/m);
    },
    RUN_TIMEOUT,
  );

  it(
    'measures a tiny task under every driver and raw baseline, with progress, table and a valid JSON',
    async () => {
      const run = await bench(
        'tiny.js#add',
        ['--args', '[1, 2]', '--budget', '5000', '--tasks', '8'],
        'tiny',
      );
      expect(run.code, run.stderr).toBe(0);
      const result = run.result!;
      expect(result.runners.map((r) => r.id)).toEqual([
        'serial',
        'cooperative',
        'thread',
        'fork',
        'pool',
        'raw-worker',
        'raw-fork',
      ]);
      for (const r of result.runners) {
        expect(r.error, r.id).toBeNull();
        expect(r.coldMs, r.id).toBeGreaterThan(0);
        expect(r.warm?.p50, r.id).toBeGreaterThan(0);
        expect(r.warm!.p99, r.id).toBeGreaterThanOrEqual(r.warm!.p50);
        expect(r.memory?.peakMb, r.id).toBeGreaterThan(0);
        expect(r.failures, r.id).toEqual({});
        expect(r.digests.length, r.id).toBe(3);
        if (r.id === 'serial') continue;
        expect(r.throughput?.tasks, r.id).toBe(8);
        expect(r.throughput!.tasksPerSecond, r.id).toBeGreaterThan(0);
        expect(r.throughput!.speedup, r.id).toBeGreaterThan(0);
        expect(r.throughput!.cpuCores, r.id).not.toBeNull();
        if (r.id !== 'cooperative') expect(r.memory!.perWorkerMb, r.id).not.toBeNull();
      }
      // 1 + 2 = 3 everywhere: no runner differs.
      expect(new Set(result.runners.flatMap((r) => r.digests)).size).toBe(1);
      expect(result.divergences).toEqual([]);
      expect(result.recommendation.driver).not.toBeNull();
      expectRecommendationFromFigures(result);
      // Progress on stderr (one line per runner off a terminal), the table on stdout.
      expect(run.stderr.match(/^\[\d\/7 \d+ s elapsed[^\]]*\] /gm)).toHaveLength(7);
      expect(run.stdout).toContain(`Recommended: ${result.recommendation.driver}`);
      for (const line of run.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
      expect(
        execFileSync(process.execPath, [CLI, 'validate-task', join(dir, 'tiny.json')], { encoding: 'utf8' }),
      ).toContain('is a valid task-bench-result.v1');
    },
    RUN_TIMEOUT,
  );

  it(
    'does not recommend cooperative for a CPU-heavy task, and the speedup follows from the bare task time',
    async () => {
      const run = await bench(
        'cpu-heavy.js#spin',
        ['--args', '[15]', '--budget', '4000', '--tasks', '8', '--baselines', 'none'],
        'cpu',
      );
      expect(run.code, run.stderr).toBe(0);
      const result = run.result!;
      const serial = byId(result, 'serial');
      expect(serial.blockingMs).toBeGreaterThanOrEqual(14);
      for (const id of ['cooperative', 'thread', 'fork', 'pool']) {
        const t = byId(result, id).throughput!;
        // Against the direct calls made next to that runner's samples (same load).
        const bare = byId(result, id).pairedSerial!.mean;
        expect(t.speedup, id).toBeCloseTo((bare * t.tasks) / t.wallMs, 6);
      }
      expect(result.recommendation.driver).not.toBe('cooperative');
      expect(result.recommendation.warnings.some((w) => w.startsWith('cooperative: not recommended'))).toBe(
        true,
      );
      expectRecommendationFromFigures(result);
    },
    RUN_TIMEOUT,
  );

  it(
    'shows the memory a memory-heavy task holds per worker',
    async () => {
      const run = await bench(
        'memory-heavy.js#hold',
        [
          '--args',
          '[48]',
          '--budget',
          '4000',
          '--tasks',
          '6',
          '--baselines',
          'none',
          '--drivers',
          'thread,pool',
        ],
        'memory',
      );
      expect(run.code, run.stderr).toBe(0);
      const result = run.result!;
      for (const id of ['thread', 'pool']) {
        const memory = byId(result, id).memory!;
        // 48 MiB filled per task, two tasks in flight on two workers.
        expect(memory.perWorkerMb, id).toBeGreaterThanOrEqual(24);
        expect(memory.peakAddedMb, id).toBeGreaterThanOrEqual(48);
      }
      expect(byId(result, 'serial').memory!.peakAddedMb).toBeGreaterThanOrEqual(40);
      expectRecommendationFromFigures(result);
    },
    RUN_TIMEOUT,
  );

  it(
    'flags the drivers whose results differ because the task keeps module state',
    async () => {
      const run = await bench(
        'stateful.js#nextId',
        ['--args', '["id"]', '--budget', '4000', '--tasks', '6', '--baselines', 'none'],
        'stateful',
      );
      expect(run.code, run.stderr).toBe(0);
      const result = run.result!;
      // Serially (and in-process) the ids count up; a fresh worker per task starts from 1 every time.
      const flagged = result.divergences.map((d) => d.id);
      expect(flagged).toContain('thread');
      expect(flagged).toContain('fork');
      expect(flagged).not.toContain('cooperative');
      expect(result.divergences.find((d) => d.id === 'thread')!.tasks).toEqual([1, 2]);
      expect(result.recommendation.driver).not.toBe('thread');
      expect(result.recommendation.driver).not.toBe('fork');
      expect(result.recommendation.warnings[0]).toMatch(/results differ from a serial run/);
      expect(run.stdout).toContain('DIFFER (#2,#3)');
      expectRecommendationFromFigures(result);
    },
    RUN_TIMEOUT,
  );

  it(
    'reports a task that fails everywhere with its failure, without retrying it',
    async () => {
      const run = await bench(
        'always-fails.js#broken',
        ['--args', '[7]', '--budget', '4000', '--baselines', 'none'],
        'fails',
      );
      expect(run.code).toBe(1);
      const result = run.result!;
      for (const r of result.runners) {
        expect(r.error, r.id).toMatch(/failed/);
        expect(r.failures.threw, r.id).toBe(3);
        expect(r.tasksRun, r.id).toBe(3);
      }
      expect(result.recommendation.driver).toBeNull();
      expect(result.recommendation.headline).toBe(
        'no driver ran the task: threw: RangeError: cannot handle 7',
      );
      expect(run.stdout).toContain('No recommendation: no driver ran the task');
    },
    RUN_TIMEOUT,
  );

  it(
    'runs a TypeScript task with argument lists from a module',
    async () => {
      const run = await bench(
        'typed.ts#double',
        [
          '--args-file',
          `${FIXTURES}args-list.js`,
          '--budget',
          '3000',
          '--tasks',
          '4',
          '--baselines',
          'none',
          '--drivers',
          'thread,pool',
        ],
        'typed',
      );
      expect(run.code, run.stderr).toBe(0);
      const result = run.result!;
      expect(result.task.argLists).toBe(3);
      for (const r of result.runners) {
        expect(r.error, r.id).toBeNull();
        expect(r.digests.length, r.id).toBe(3);
      }
      expect(result.divergences).toEqual([]);
    },
    RUN_TIMEOUT,
  );

  it(
    'loads the bootstrap before the task in every runner',
    async () => {
      const run = await bench(
        'greet.js#greet',
        [
          '--args',
          '["ada"]',
          '--bootstrap',
          `${FIXTURES}boot.js`,
          '--budget',
          '3000',
          '--tasks',
          '4',
          '--drivers',
          'pool,fork',
          '--baselines',
          'raw-worker',
        ],
        'bootstrap',
      );
      expect(run.code, run.stderr).toBe(0);
      const result = run.result!;
      expect(result.task.bootstrap).toMatch(/boot\.js$/);
      // The value itself: 'undefined, ada' everywhere would agree too.
      const expected = digestOutcome({ ok: true, value: 'hello, ada' });
      for (const r of result.runners) {
        expect(r.error, r.id).toBeNull();
        expect(r.failures, r.id).toEqual({});
        expect(r.digests, r.id).toEqual([expected, expected, expected]);
      }
    },
    RUN_TIMEOUT,
  );

  it(
    'counts the failures of a task that fails on some inputs, by kind, and still measures it',
    async () => {
      const run = await bench(
        'sometimes.js#check',
        [
          '--args-file',
          join(dir, 'sometimes.json'),
          '--timeout',
          '300',
          '--budget',
          '3000',
          '--tasks',
          '6',
          '--drivers',
          'thread,pool',
          '--baselines',
          'none',
        ],
        'sometimes',
      );
      expect(run.code, run.stderr).toBe(0);
      const result = run.result!;
      for (const id of ['thread', 'pool']) {
        const r = byId(result, id);
        expect(r.error, id).toBeNull();
        expect(r.failures.threw, id).toBeGreaterThan(0);
        expect(r.failures.timeout, id).toBeGreaterThan(0);
        expect(r.warm?.p50, id).toBeGreaterThan(0);
        expect(
          result.recommendation.warnings.some((w) => w.startsWith(`${id}: `) && w.includes('threw ×')),
        ).toBe(true);
      }
      expect(run.stdout).toMatch(/threw×\d+ timeout×\d+/);
    },
    RUN_TIMEOUT,
  );

  it(
    'names a missing export, and the exports there are, before measuring any driver',
    async () => {
      const run = await bench('tiny.js#nope', ['--budget', '3000'], 'missing-export');
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/tiny\.js has no function export "nope" \(its function exports: add\)/);
      expect(run.result).toBeUndefined();
    },
    RUN_TIMEOUT,
  );

  it(
    'checks the output paths before measuring anything',
    async () => {
      const blocked = join(dir, 'tiny.json', 'nested.md'); // under a file, not a directory
      const run = await bench('tiny.js#add', ['--md', blocked, '--budget', '3000'], 'not-written');
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/--md .*: cannot write there/);
      expect(run.stderr).not.toMatch(/serial/);
      expect(run.ms).toBeLessThan(15_000);
    },
    RUN_TIMEOUT,
  );
});
